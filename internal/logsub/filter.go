package logsub

import (
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/logs"
)

// Filter is a subscription filter.
type Filter struct {
	Group        string `json:"group"`
	Name         string `json:"name"`
	Pattern      string `json:"pattern"`
	Destination  string `json:"destination"` // a function's ARN
	Role         string `json:"role,omitempty"`
	Distribution string `json:"distribution"`
	Created      int64  `json:"created"` // Unix milliseconds
	// Function is the stack function whose cloudwatch-log event declares
	// the filter; "" for one PutSubscriptionFilter created.
	Function string `json:"function,omitempty"`
}

// key identifies a filter: its group and name.
func (f *Filter) key() string { return f.Group + "\x00" + f.Name }

// FunctionGroup is the log group of function name.
func FunctionGroup(name string) string { return FunctionGroupPrefix + name }

// FunctionName is the function a Lambda function ARN names (any
// qualifier dropped), and whether it is one.
func FunctionName(a string) (string, bool) {
	rest, ok := strings.CutPrefix(a, "arn:aws:lambda:"+arn.Region+":"+arn.Account+":function:")
	if !ok || rest == "" {
		return "", false
	}
	name, _, _ := strings.Cut(rest, ":")
	return name, name != ""
}

// StreamName is the Kinesis stream a stream ARN names, and whether it is
// one.
func StreamName(a string) (string, bool) {
	name, ok := strings.CutPrefix(a, "arn:aws:kinesis:"+arn.Region+":"+arn.Account+":stream/")
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// validate checks f as PutSubscriptionFilter does, before any state is
// consulted, and fills in the default distribution.
func validate(f *Filter) (*logs.Filter, error) {
	switch {
	case f.Name == "" || len(f.Name) > maxNameLen:
		return nil, errorf(CodeInvalid, msgFilterNameLen, f.Name)
	case strings.ContainsAny(f.Name, ":*"):
		return nil, errorf(CodeInvalid, msgFilterName, f.Name)
	}
	switch f.Distribution {
	case "":
		f.Distribution = DistributionByLogStream
	case DistributionByLogStream, DistributionRandom:
	default:
		return nil, errorf(CodeInvalid, msgDistribution, f.Distribution)
	}
	m, err := logs.ParseFilter(f.Pattern)
	if pe, ok := logs.AsPatternError(err); ok {
		return nil, errorf(CodeInvalid, "%s", pe.Error()) // AWS's words
	}
	if err != nil {
		return nil, errorf(CodeInvalid, "%s", strings.TrimPrefix(err.Error(), "logs.ParseFilter: "))
	}
	return m, nil
}

// cycle returns the loop fs make, through function log groups, as text
// ("/aws/lambda/a → function b → /aws/lambda/b → function a"), or "" when
// there is none. An edge goes from a filter's group to its destination
// function's group.
func cycle(fs []Filter) string {
	next := map[string][]string{} // group → destination functions
	for _, f := range fs {
		if fn, ok := FunctionName(f.Destination); ok {
			next[f.Group] = append(next[f.Group], fn)
		}
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string // groups and functions, alternating
	var visit func(g string) string
	visit = func(g string) string {
		state[g] = onPath
		path = append(path, g)
		for _, fn := range next[g] {
			ng := FunctionGroup(fn)
			path = append(path, "function "+fn)
			switch state[ng] {
			case onPath:
				start := 0
				for i, p := range path {
					if p == ng {
						start = i
					}
				}
				return strings.Join(append(path[start:], ng), " → ")
			case unseen:
				if c := visit(ng); c != "" {
					return c
				}
			}
			path = path[:len(path)-1]
		}
		path = path[:len(path)-1]
		state[g] = done
		return ""
	}
	groups := make([]string, 0, len(next))
	for g := range next {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	for _, g := range groups {
		if state[g] == unseen {
			if c := visit(g); c != "" {
				return c
			}
		}
	}
	return ""
}
