package schedule

import (
	"fmt"
	"strings"
	"time"
)

// Schedule is a parsed schedule expression.
type Schedule interface {
	// Next is the first fire time strictly after t (UTC, whole minutes); the
	// zero time when there is none (past the year 2199).
	Next(t time.Time) time.Time
	// String is the expression as written.
	String() string
}

// Parse parses an AWS schedule expression: "rate(5 minutes)" or
// "cron(0 10 * * ? *)" (six fields, UTC). Errors start with the expression
// and say which rule it breaks.
func Parse(expr string) (Schedule, error) {
	switch {
	case strings.HasPrefix(expr, cronPrefix) && strings.HasSuffix(expr, exprSuffix):
		return parseCron(expr, expr[len(cronPrefix):len(expr)-len(exprSuffix)])
	case strings.HasPrefix(expr, ratePrefix) && strings.HasSuffix(expr, exprSuffix):
		return parseRate(expr, expr[len(ratePrefix):len(expr)-len(exprSuffix)])
	}
	return nil, fmt.Errorf("%q: not a schedule expression: want rate(value unit) or cron(fields)", expr)
}

// exprError is a parse error that names the expression.
func exprError(expr, format string, args ...any) error {
	return fmt.Errorf("%s: %s", expr, fmt.Sprintf(format, args...))
}

// Interface guards.
var (
	_ Schedule = (*Cron)(nil)
	_ Schedule = (*Rate)(nil)
)
