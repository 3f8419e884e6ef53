package collector

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// failure turns a failed call into the snapshot's record of it: service,
// operation, region, resource, the error code AWS gave and its message,
// and the HTTP status. Calls that fail before AWS answers get a code that
// says so (Timeout, ConnectionFailed); an answer the SDK could not read
// keeps its HTTP status (emulators answer some refusals in XML where the
// SDK expects JSON).
func failure(service, op, region, resource string, err error) *snapshot.CallError {
	if err == nil {
		return nil
	}
	e := &snapshot.CallError{Service: service, Operation: op, Region: region, Resource: resource}
	// A failure inside credential retrieval (AssumeRole) is that call's.
	var oe *smithy.OperationError
	for cur := err; errors.As(cur, &oe); cur = oe.Err {
		if oe.OperationName != "" && oe.OperationName != op {
			e.Service, e.Operation = strings.ToLower(oe.ServiceID), oe.OperationName
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.HTTPStatus = re.HTTPStatusCode()
	}
	var api smithy.APIError
	var ne net.Error
	switch {
	case errors.As(err, &api):
		e.ErrorCode = api.ErrorCode()
		e.Message = api.ErrorMessage()
	case errors.Is(err, context.DeadlineExceeded): // the per-call timeout wraps it too
		e.ErrorCode = "Timeout"
	case e.HTTPStatus != 0:
		e.ErrorCode = fmt.Sprintf("HTTP%d", e.HTTPStatus)
	case errors.As(err, &ne):
		e.ErrorCode = "ConnectionFailed"
	default:
		e.ErrorCode = "RequestFailed"
	}
	if e.Message == "" {
		e.Message = err.Error()
	}
	return e
}

// errorCode is the code AWS answered a failed call with, or "".
func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
