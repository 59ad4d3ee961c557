package schedule

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate is a parsed rate(value unit) expression. It fires every Period from
// an anchor: at anchor+Period, anchor+2·Period, and so on. AWS anchors a
// rate on the rule's creation; here the anchor is the first time Next is
// asked, truncated to the minute, unless SetAnchor sets it before. The
// caller's first Next (the stack load) therefore starts the rate, and a
// Scheduler keeps an unchanged Rate across reloads so the anchor holds.
type Rate struct {
	expr   string
	period time.Duration

	mu     sync.Mutex
	anchor time.Time
	set    bool
}

// rateUnits maps each unit to its length and whether it is the singular.
var rateUnits = map[string]struct {
	d        time.Duration
	singular bool
}{
	"minute": {time.Minute, true}, "minutes": {time.Minute, false},
	"hour": {time.Hour, true}, "hours": {time.Hour, false},
	"day": {24 * time.Hour, true}, "days": {24 * time.Hour, false},
}

// parseRate parses the inside of rate(…).
func parseRate(expr, body string) (*Rate, error) {
	parts := strings.Fields(body)
	if len(parts) != 2 {
		return nil, exprError(expr, "a rate has two fields, value and unit; got %d", len(parts))
	}
	value, unit := parts[0], parts[1]
	if !isDigits(value) {
		return nil, exprError(expr, "rate value %q is not a positive whole number", value)
	}
	n, err := strconv.Atoi(value)
	if err != nil || n > maxRateValue {
		return nil, exprError(expr, "rate value %s is too large (at most %d)", value, maxRateValue)
	}
	if n < 1 {
		return nil, exprError(expr, "rate value must be at least 1")
	}
	u, ok := rateUnits[unit]
	if !ok {
		return nil, exprError(expr, "unknown rate unit %q: want minute(s), hour(s) or day(s)", unit)
	}
	if u.singular != (n == 1) {
		if n == 1 {
			return nil, exprError(expr, "a rate of 1 takes a singular unit (%s)", strings.TrimSuffix(unit, "s"))
		}
		return nil, exprError(expr, "a rate above 1 takes a plural unit (%ss)", unit)
	}
	return &Rate{expr: expr, period: time.Duration(n) * u.d}, nil
}

// String returns the expression as written.
func (r *Rate) String() string { return r.expr }

// Period is the time between two fires.
func (r *Rate) Period() time.Duration { return r.period }

// SetAnchor anchors the rate at t truncated to the minute (for instance a
// persisted creation time), replacing any anchor set before.
func (r *Rate) SetAnchor(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.anchor, r.set = t.UTC().Truncate(time.Minute), true
}

// Anchor reports the anchor and whether one is set yet.
func (r *Rate) Anchor() (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.anchor, r.set
}

// Next is the first anchor+k·Period (k ≥ 1) strictly after t, anchoring the
// rate on t when no anchor is set yet; the zero time past the year 2199.
func (r *Rate) Next(t time.Time) time.Time {
	if t.Year() > maxYear {
		return time.Time{}
	}
	r.mu.Lock()
	if !r.set {
		r.anchor, r.set = t.UTC().Truncate(time.Minute), true
	}
	anchor := r.anchor
	r.mu.Unlock()

	// Whole seconds avoid time.Duration overflow over long spans.
	p := int64(r.period / time.Second)
	k := int64(1)
	if elapsed := t.Unix() - anchor.Unix(); elapsed >= 0 {
		k = elapsed/p + 1
	}
	next := time.Unix(anchor.Unix()+k*p, 0).UTC()
	if next.Year() > maxYear {
		return time.Time{}
	}
	return next
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
