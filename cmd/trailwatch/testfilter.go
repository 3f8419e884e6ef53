package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/trailwatch/trailwatch/internal/fileio"
	"github.com/trailwatch/trailwatch/internal/filterpattern"
)

const testFilterUsage = `Usage: trailwatch test-metric-filter --filter-pattern PATTERN --log-event-messages MESSAGE [MESSAGE ...]

The offline twin of 'aws logs test-metric-filter': same flags, same JSON on
standard output, the matching messages numbered from 1 in input order.
Either value may be file://PATH: the pattern is the file's content; the
messages are its lines, one message per line.

Exit status: 0 when the pattern is valid (whether or not anything matched),
2 when the pattern or the command line is not.
`

// runTestMetricFilter parses the aws CLI's flags by hand: --log-event-messages
// takes every following argument up to the next --flag, as the CLI does.
func runTestMetricFilter(ctx context.Context, args []string, s streams) error {
	var pattern *string
	var messages []string
	sawMessages := false
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, value, hasValue := strings.Cut(arg, "=")
		switch name {
		case "-h", "--help":
			fmt.Fprint(s.stdout, testFilterUsage)
			return nil
		case "--filter-pattern", "-filter-pattern":
			if !hasValue {
				if i+1 >= len(args) {
					return usageError("--filter-pattern needs a value")
				}
				i++
				value = args[i]
			}
			p, err := readParam(ctx, value)
			if err != nil {
				return err
			}
			pattern = &p
		case "--log-event-messages", "-log-event-messages":
			sawMessages = true
			var vals []string
			if hasValue {
				vals = append(vals, value)
			}
			for i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
				i++
				vals = append(vals, args[i])
			}
			for _, v := range vals {
				msgs, err := readMessages(ctx, v)
				if err != nil {
					return err
				}
				messages = append(messages, msgs...)
			}
		default:
			fmt.Fprint(s.stderr, testFilterUsage)
			return usageError("unknown argument %q", arg)
		}
	}
	if pattern == nil {
		fmt.Fprint(s.stderr, testFilterUsage)
		return usageError("the following arguments are required: --filter-pattern")
	}
	if !sawMessages {
		fmt.Fprint(s.stderr, testFilterUsage)
		return usageError("the following arguments are required: --log-event-messages")
	}
	if n := len(messages); n < filterpattern.MinTestMessages || n > filterpattern.MaxTestMessages {
		return usageError("logEventMessages has %d messages; TestMetricFilter takes %d to %d", n, filterpattern.MinTestMessages, filterpattern.MaxTestMessages)
	}
	p, err := filterpattern.Parse(*pattern)
	if err != nil {
		var se *filterpattern.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("invalid filter pattern at column %d: %s\n  %s\n  %s^", se.Column, se.Msg, oneLine(*pattern), strings.Repeat(" ", max(se.Column-1, 0)))
		}
		return err
	}
	type match struct {
		EventNumber     int               `json:"eventNumber"`
		EventMessage    string            `json:"eventMessage"`
		ExtractedValues map[string]string `json:"extractedValues"`
	}
	out := struct {
		Matches []match `json:"matches"`
	}{Matches: []match{}}
	for i, m := range messages {
		res, ok := p.MatchMessage(m)
		if !ok {
			continue
		}
		ev := res.ExtractedValues
		if ev == nil {
			ev = map[string]string{}
		}
		out.Matches = append(out.Matches, match{EventNumber: i + 1, EventMessage: m, ExtractedValues: ev})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ") // as the aws CLI prints
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err = s.stdout.Write(b.Bytes())
	return err
}

// maxParamFile bounds a file given as file://PATH: a pattern is at most
// 1,024 characters and TestMetricFilter takes 50 messages; this leaves room
// for a message file far longer, and stops a device that never ends.
const maxParamFile = 16 << 20

// readParam reads a parameter value the way the aws CLI does: file://PATH
// is the file's content.
func readParam(ctx context.Context, v string) (string, error) {
	path, ok := strings.CutPrefix(v, "file://")
	if !ok {
		return v, nil
	}
	data, err := fileio.ReadBounded(ctx, path, maxParamFile)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", v, errors.Unwrap(err))
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

// readMessages reads one message, or with file://PATH one message per line.
func readMessages(ctx context.Context, v string) ([]string, error) {
	if !strings.HasPrefix(v, "file://") {
		return []string{v}, nil
	}
	content, err := readParam(ctx, v)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(content, "\n") {
		out = append(out, strings.TrimSuffix(line, "\r"))
	}
	return out, nil
}

// oneLine shows a pattern on one line under which a caret can point.
func oneLine(p string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(p)
}
