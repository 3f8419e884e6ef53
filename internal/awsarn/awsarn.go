// Package awsarn owns Amazon Resource Names: split, built and compared in
// one place (arn:partition:service:region:account-id:resource).
package awsarn

import "strings"

// ARN is an Amazon Resource Name split into its parts. Resource keeps
// everything after the account, colons and slashes included
// ("log-group:name:*", "trail/main", "alarm:name").
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// Parse splits an ARN; ok is false for anything that is not one (fewer
// than six colon-separated parts, or no "arn" prefix).
func Parse(s string) (ARN, bool) {
	// The five fields before the resource, cut one by one: no slice of
	// parts is allocated (an organization's plan parses a great many).
	var p [5]string
	rest := s
	for i := range p {
		var ok bool
		if p[i], rest, ok = strings.Cut(rest, ":"); !ok {
			return ARN{}, false
		}
	}
	if p[0] != "arn" || p[1] == "" || p[2] == "" {
		return ARN{}, false
	}
	return ARN{Partition: p[1], Service: p[2], Region: p[3], Account: p[4], Resource: rest}, true
}

// String builds the ARN back.
func (a ARN) String() string {
	return strings.Join([]string{"arn", a.Partition, a.Service, a.Region, a.Account, a.Resource}, ":")
}

// Account is the account id an ARN names, or "" when s is not an ARN.
func Account(s string) string {
	a, _ := Parse(s)
	return a.Account
}

// LogGroup reads arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*]; ok
// is false when s names no log group.
func LogGroup(s string) (region, account, name string, ok bool) {
	a, ok := Parse(s)
	if !ok || a.Service != "logs" {
		return "", "", "", false
	}
	rest, ok := strings.CutPrefix(a.Resource, "log-group:")
	if !ok {
		return "", "", "", false
	}
	name, _, _ = strings.Cut(rest, ":")
	if name == "" || a.Region == "" {
		return "", "", "", false
	}
	return a.Region, a.Account, name, true
}

// Partition is the partition an ARN names (aws, aws-cn, aws-us-gov), or
// "" when s is not an ARN.
func Partition(s string) string {
	a, _ := Parse(s)
	return a.Partition
}
