package auth

import (
	"encoding/json"
	"strings"
)

// iamResponse is a Lambda authorizer's IAM policy response.
type iamResponse struct {
	PrincipalID    string `json:"principalId"`
	PolicyDocument *struct {
		Statement oneOrMany[statement] `json:"Statement"`
	} `json:"policyDocument"`
	Context map[string]any `json:"context"`
}

// statement is one policy statement; Action and Resource may be a string
// or a list.
type statement struct {
	Effect   string            `json:"Effect"`
	Action   oneOrMany[string] `json:"Action"`
	Resource oneOrMany[string] `json:"Resource"`
}

// oneOrMany decodes a JSON value or a list of them.
type oneOrMany[T any] []T

// UnmarshalJSON accepts X or [X, …].
func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	var list []T
	if err := json.Unmarshal(b, &list); err == nil {
		*o = list
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*o = []T{one}
	return nil
}

// iamDecision evaluates the policy for execute-api:Invoke on arn: an
// explicit Deny wins, else an Allow is needed. cacheable is false when
// the response is unusable.
func iamDecision(result []byte, arn string) (d Decision, cacheable bool) {
	var resp iamResponse
	if err := json.Unmarshal(result, &resp); err != nil || resp.PolicyDocument == nil {
		return internalError(), false
	}
	allowed := false
	for _, s := range resp.PolicyDocument.Statement {
		if !s.covers(arn) {
			continue
		}
		switch strings.ToLower(s.Effect) {
		case effectDeny:
			return forbidden(), true
		case effectAllow:
			allowed = true
		}
	}
	if !allowed {
		return forbidden(), true
	}
	return lambdaAllowed(resp.Context, resp.PrincipalID), true
}

// covers reports whether the statement names invoking arn.
func (s statement) covers(arn string) bool {
	action := false
	for _, a := range s.Action {
		action = action || wildcardMatch(strings.ToLower(a), strings.ToLower(invokeAction))
	}
	if !action {
		return false
	}
	for _, r := range s.Resource {
		if wildcardMatch(r, arn) {
			return true
		}
	}
	return false
}

// wildcardMatch matches s against an IAM pattern with * (any run) and ?
// (one character).
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
