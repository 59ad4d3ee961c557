package logs

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// Units of a relative time, as `aws logs tail --since` takes them.
var relUnits = map[byte]time.Duration{
	's': time.Second,
	'm': time.Minute,
	'h': time.Hour,
	'd': 24 * time.Hour,
	'w': 7 * 24 * time.Hour,
}

// ParseTime parses the value of --since or --until: an RFC 3339 time
// ("2026-11-22T10:00:00Z", fractions and offsets allowed), a UTC date
// ("2026-11-22"), or an age before now: a number and a unit s, m, h, d or w
// ("10m", "2h", "7d"), or a Go duration ("1h30m"). The error is of kind
// Invalid.
func ParseTime(s string, now time.Time) (time.Time, error) {
	const op errs.Op = "logs.ParseTime"
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errs.E(op, errs.Invalid, errs.Errorf("empty time"))
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(dayFmt, s); err == nil {
		return t, nil
	}
	d, err := parseAge(s)
	if err != nil {
		return time.Time{}, errs.E(op, errs.Invalid, errs.Errorf("time %q: want RFC 3339 (2026-11-22T10:00:00Z), a date (2026-11-22) or an age (10m, 2h, 7d)", s))
	}
	return now.Add(-d), nil
}

// parseAge parses "N<unit>" or a Go duration, which must not be negative.
func parseAge(s string) (time.Duration, error) {
	if unit, ok := relUnits[s[len(s)-1]]; ok {
		if n, err := strconv.ParseUint(s[:len(s)-1], 10, 63); err == nil {
			if n > uint64(math.MaxInt64/int64(unit)) {
				return 0, errs.Errorf("age too large")
			}
			return time.Duration(n) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, errs.Errorf("negative age")
	}
	return d, nil
}
