package iam

import (
	"strings"
	"sync"

	"github.com/verge-edge/verge/internal/glob"
)

// The effects of a statement.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// A Statement allows or denies actions on resources.
type Statement struct {
	Sid       string   `json:"Sid,omitempty"`
	Effect    string   `json:"Effect"`
	Actions   []string `json:"Action"`
	Resources []string `json:"Resource"`
	// Origin says where the statement comes from, for messages:
	// "allowAccessTo: orders" or "iamRoleStatements[2]".
	Origin string `json:"-"`
}

// A Policy is the statements of one identity.
type Policy []Statement

// A Decision is the outcome of evaluating a request.
type Decision struct {
	Allowed bool
	// Denied is the statement that explicitly denied it, if one did.
	Denied *Statement
	// Resource is the first resource not allowed, when not Allowed.
	Resource string
}

// Decide evaluates action on every resource ("*" when there is none).
func (p Policy) Decide(action string, resources []string) Decision {
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	for _, res := range resources {
		if d := p.decideOne(action, res); !d.Allowed {
			return d
		}
	}
	return Decision{Allowed: true}
}

func (p Policy) decideOne(action, resource string) Decision {
	allowed := false
	for i := range p {
		s := &p[i]
		if !s.matches(action, resource) {
			continue
		}
		if s.Effect == Deny {
			return Decision{Denied: s, Resource: resource}
		}
		allowed = true
	}
	return Decision{Allowed: allowed, Resource: resource}
}

// matches reports whether s names action and resource.
func (s *Statement) matches(action, resource string) bool {
	return anyMatch(s.Actions, action, actionGlob) && anyMatch(s.Resources, resource, resourceGlob)
}

// IAM's wildcards: '*' any run, '?' one character; actions fold case.
var (
	actionGlob   = glob.Options{Question: glob.QuestionChar, Fold: true}
	resourceGlob = glob.Options{Question: glob.QuestionChar}
)

func anyMatch(patterns []string, s string, o glob.Options) bool {
	for _, p := range patterns {
		if p == "*" || compiled(p, o).Match(s) {
			return true
		}
	}
	return false
}

// patterns caches compiled patterns by dialect and source: every call a
// function makes is evaluated (11.7 µs and 165 allocations for seven
// grants when compiled each time, 2 µs and none cached), and the patterns
// are few: a stack file's.
var patterns sync.Map // patternKey → glob.Pattern

type patternKey struct {
	opts glob.Options
	src  string
}

func compiled(p string, o glob.Options) glob.Pattern {
	k := patternKey{o, p}
	if v, ok := patterns.Load(k); ok {
		return v.(glob.Pattern)
	}
	g := glob.Compile(p, o)
	patterns.Store(k, g)
	return g
}

// ValidAction reports whether a is an IAM action pattern: "*" or
// "service:Action", either part possibly with wildcards.
func ValidAction(a string) bool {
	if a == "*" {
		return true
	}
	svc, op, ok := strings.Cut(a, ":")
	return ok && svc != "" && op != "" && !strings.ContainsAny(svc, " \t") && !strings.ContainsAny(op, ": \t")
}
