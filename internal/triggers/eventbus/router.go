package eventbus

import (
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

// Matcher decides whether an event matches a rule's event pattern.
// *pattern.Pattern implements it.
type Matcher interface {
	Match(event []byte) bool
}

// Rule routes the events of Bus that Matcher accepts to Target, shaped by
// Input. Target is opaque here (a function name). A nil Matcher matches
// nothing: every event-bus rule has a pattern.
type Rule struct {
	Name, Bus, Target string
	Matcher           Matcher
	Input             Input
}

// ARN is the rule's ARN, as AWS writes it: rule/NAME on the default bus,
// rule/BUS/NAME on another.
func (r *Rule) ARN() string {
	p := ""
	if b := BusName(r.Bus); b != DefaultBus {
		p = b + "/"
	}
	return arn.Rule(p + r.Name)
}

// Delivery is one event routed to one rule's target. Err is set, and
// Payload nil, when the rule's input cannot be applied (an invalid Input,
// or an InputPath that reaches nothing in this event).
type Delivery struct {
	Rule    *Rule
	Payload []byte
	Err     error
}

// Router holds rules per bus. It is immutable and safe for concurrent use.
type Router struct {
	byBus map[string][]route
}

type route struct {
	rule *Rule
	in   *compiled
	err  error
	arn  string
}

// NewRouter indexes rules by bus. Inputs are compiled once; an invalid one
// surfaces as the Err of each of its deliveries (check them beforehand
// with Input.Check).
func NewRouter(rules []*Rule) *Router {
	r := &Router{byBus: make(map[string][]route)}
	for _, rule := range rules {
		in, err := rule.Input.compile()
		bus := BusName(rule.Bus)
		r.byBus[bus] = append(r.byBus[bus], route{rule: rule, in: in, err: err, arn: rule.ARN()})
	}
	return r
}

// Route returns a delivery for each rule of bus (a name or ARN) that
// matches event, in the order the rules were given.
func (r *Router) Route(bus string, event []byte) []Delivery {
	var out []Delivery
	now := time.Now()
	for _, rt := range r.byBus[BusName(bus)] {
		if rt.rule.Matcher == nil || !rt.rule.Matcher.Match(event) {
			continue
		}
		d := Delivery{Rule: rt.rule, Err: rt.err}
		if rt.err == nil {
			d.Payload, d.Err = rt.in.apply(event, Vars{RuleName: rt.rule.Name, RuleARN: rt.arn, IngestionTime: now})
		}
		out = append(out, d)
	}
	return out
}

// Rules returns the number of rules on bus.
func (r *Router) Rules(bus string) int { return len(r.byBus[BusName(bus)]) }
