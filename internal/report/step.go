package report

import (
	"fmt"
	"regexp"
	"strings"
)

// Step is one step of a FAIL's fix as its policy gives it (lib.core.call,
// lib.core.manual): an AWS CLI call as data, never shell text, or a
// manual step. trailwatch remediate quotes the calls for bash or writes
// them as CloudFormation.
type Step struct {
	// Service and Operation name the call as the aws CLI does
	// ("logs", "put-metric-filter").
	Service   string `json:"service,omitempty"`
	Operation string `json:"operation,omitempty"`
	Region    string `json:"region,omitempty"`
	// Args are the call's options in order: an option and its values, or
	// an option alone (a flag).
	Args [][]string `json:"args,omitempty"`
	// Exists is the error code the call fails with when what it creates
	// exists already: a second run goes on.
	Exists string `json:"exists,omitempty"`
	// Replaces names the resource the call changes in place (a filter or
	// alarm put again under its own name).
	Replaces string `json:"replaces,omitempty"`
	// Notify marks the call that subscribes a person to a topic: its
	// endpoint is the user's (remediate --notify).
	Notify bool `json:"notify,omitempty"`
	// Account is the account the call must run in, when not the account
	// of the result (a trail's bucket in a log archive account).
	Account string `json:"account,omitempty"`
	// Unless is a read-only call whose answer to Query, as aws --output
	// text prints it, makes the step needless when it is Equals.
	Unless *Check `json:"unless,omitempty"`
	// Mends is the link of the chain (or the finding) the step mends.
	Mends string `json:"mends,omitempty"`
	// Manual is a step trailwatch does not take: what to do, in words.
	Manual string `json:"manual,omitempty"`
}

// Check is a read-only call and the answer that makes a step needless.
type Check struct {
	Service   string     `json:"service"`
	Operation string     `json:"operation"`
	Region    string     `json:"region"`
	Args      [][]string `json:"args,omitempty"`
	Query     string     `json:"query"`
	Equals    string     `json:"equals"`
}

var (
	cliWord   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	cliOption = regexp.MustCompile(`^--[a-z0-9][a-z0-9-]*$`)
)

// Check refuses a step that could not be run as it says: names the aws
// CLI would not take as a service, an operation or an option (they are
// written into scripts unquoted), a call without a region, or a manual
// step that is also a call.
func (s Step) Check() error {
	if s.Manual != "" {
		if s.Service != "" || s.Operation != "" || len(s.Args) > 0 {
			return fmt.Errorf("a manual step is not also a call")
		}
		return nil
	}
	if !cliWord.MatchString(s.Service) || !cliWord.MatchString(s.Operation) {
		return fmt.Errorf("service %q and operation %q must be aws CLI names (lower case, digits and dashes)", s.Service, s.Operation)
	}
	if strings.TrimSpace(s.Region) == "" {
		return fmt.Errorf("aws %s %s has no region", s.Service, s.Operation)
	}
	for i, arg := range s.Args {
		if len(arg) == 0 || !cliOption.MatchString(arg[0]) {
			return fmt.Errorf("aws %s %s: argument %d is not an option (--name): %q", s.Service, s.Operation, i+1, arg)
		}
		if arg[0] == "--region" {
			return fmt.Errorf("aws %s %s: the region is the step's, not an argument", s.Service, s.Operation)
		}
	}
	if u := s.Unless; u != nil {
		check := Step{Service: u.Service, Operation: u.Operation, Region: u.Region, Args: u.Args}
		if err := check.Check(); err != nil {
			return fmt.Errorf("unless: %w", err)
		}
		if !strings.HasPrefix(u.Operation, "get-") && !strings.HasPrefix(u.Operation, "describe-") && !strings.HasPrefix(u.Operation, "list-") {
			return fmt.Errorf("unless: aws %s %s is not a read-only call (get-, describe-, list-)", u.Service, u.Operation)
		}
	}
	if s.Exists != "" && !regexp.MustCompile(`^[A-Za-z0-9.]+$`).MatchString(s.Exists) {
		return fmt.Errorf("aws %s %s: exists %q is not an error code", s.Service, s.Operation, s.Exists)
	}
	return nil
}
