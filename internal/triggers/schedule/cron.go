package schedule

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Cron is a parsed cron(…) expression.
type Cron struct {
	expr   string
	minute uint64 // bit m: minute m matches
	hour   uint64 // bit h
	month  uint64 // bit m, 1-12
	year   [4]uint64
	dom    daySpec
	dow    daySpec
}

// daySpec is a day-of-month or day-of-week field.
type daySpec struct {
	any         bool   // "?"
	values      uint64 // plain values: days 1-31 or weekdays 1-7 (SUN=1)
	last        bool   // day-of-month "L": the last day
	lastWeekday bool   // day-of-month "LW": the last weekday (Mon-Fri)
	nearest     int    // day-of-month "nW": the weekday nearest to day n
	lastOf      int    // day-of-week "dL": the last weekday d of the month
	nth, nthDay int    // day-of-week "d#n": the nth weekday d of the month
}

// field describes one cron field's range and names.
type field struct {
	name     string
	min, max int
	names    []string // names[i] is value min+i
	wraps    bool     // a range may run past max back to min (Quartz)
}

var (
	minuteField = field{name: "minutes", min: 0, max: 59, wraps: true}
	hourField   = field{name: "hours", min: 0, max: 23, wraps: true}
	domField    = field{name: "day-of-month", min: 1, max: 31, wraps: true}
	monthField  = field{name: "month", min: 1, max: 12, wraps: true,
		names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	dowField = field{name: "day-of-week", min: 1, max: 7, wraps: true,
		names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
	yearField = field{name: "year", min: minYear, max: maxYear}
)

// parseCron parses the inside of cron(…).
func parseCron(expr, body string) (*Cron, error) {
	f := strings.Fields(strings.ToUpper(body))
	if len(f) != 6 {
		return nil, exprError(expr, "a cron expression has 6 fields (minutes hours day-of-month month day-of-week year); got %d", len(f))
	}
	c := &Cron{expr: expr}
	var err error
	wrap := func(fd field, e error) error { return exprError(expr, "%s: %v", fd.name, e) }
	if c.minute, err = parseValues(minuteField, f[0]); err != nil {
		return nil, wrap(minuteField, err)
	}
	if c.hour, err = parseValues(hourField, f[1]); err != nil {
		return nil, wrap(hourField, err)
	}
	if c.dom, err = parseDom(f[2]); err != nil {
		return nil, wrap(domField, err)
	}
	if c.month, err = parseValues(monthField, f[3]); err != nil {
		return nil, wrap(monthField, err)
	}
	if c.dow, err = parseDow(f[4]); err != nil {
		return nil, wrap(dowField, err)
	}
	if c.year, err = parseYears(f[5]); err != nil {
		return nil, wrap(yearField, err)
	}
	if c.dom.any == c.dow.any {
		return nil, exprError(expr, `exactly one of day-of-month and day-of-week must be "?"`)
	}
	return c, nil
}

// String returns the expression as written.
func (c *Cron) String() string { return c.expr }

// parseDom parses a day-of-month field: "?", "L", "LW", "nW" or values.
func parseDom(s string) (daySpec, error) {
	switch {
	case s == anyValue:
		return daySpec{any: true}, nil
	case s == "L":
		return daySpec{last: true}, nil
	case s == "LW":
		return daySpec{lastWeekday: true}, nil
	case strings.HasSuffix(s, "W"):
		n, err := single(domField, strings.TrimSuffix(s, "W"))
		if err != nil {
			return daySpec{}, fmt.Errorf(`"W" takes a single day 1-31 before it, as in 15W: %v`, err)
		}
		return daySpec{nearest: n}, nil
	case strings.ContainsAny(s, "LW"):
		return daySpec{}, fmt.Errorf(`%q: "L", "LW" and "nW" must stand alone`, s)
	}
	v, err := parseValues(domField, s)
	return daySpec{values: v}, err
}

// parseDow parses a day-of-week field: "?", "L", "dL", "d#n" or values.
func parseDow(s string) (daySpec, error) {
	switch {
	case s == anyValue:
		return daySpec{any: true}, nil
	case strings.Count(s, "#") > 1:
		return daySpec{}, fmt.Errorf(`%q: only one "#" expression is allowed`, s)
	case strings.Contains(s, "#") && strings.ContainsAny(s, ",-/*"):
		return daySpec{}, fmt.Errorf(`%q: "#" takes a single weekday and occurrence, as in 3#2, and nothing else`, s)
	case strings.Contains(s, "#"):
		d, n, _ := strings.Cut(s, "#")
		day, err := single(dowField, d)
		if err != nil {
			return daySpec{}, fmt.Errorf(`%q: "#" takes a single weekday before it, as in 3#2: %v`, s, err)
		}
		if !isDigits(n) || len(n) > 1 || n[0] < '1' || n[0] > '5' {
			return daySpec{}, fmt.Errorf(`%q: the occurrence after "#" must be 1-5`, s)
		}
		return daySpec{nthDay: day, nth: int(n[0] - '0')}, nil
	case s == "L":
		return daySpec{values: 1 << 7}, nil // the last day of the week: SAT
	case strings.HasSuffix(s, "L"):
		day, err := single(dowField, strings.TrimSuffix(s, "L"))
		if err != nil {
			return daySpec{}, fmt.Errorf(`%q: "L" takes a single weekday before it, as in 6L: %v`, s, err)
		}
		return daySpec{lastOf: day}, nil
	case strings.Contains(s, "L"):
		return daySpec{}, fmt.Errorf(`%q: "L" must stand alone or follow a single weekday`, s)
	}
	v, err := parseValues(dowField, s)
	return daySpec{values: v}, err
}

// parseYears parses the year field into a bit set indexed from minYear.
func parseYears(s string) ([4]uint64, error) {
	var set [4]uint64
	err := eachValue(yearField, s, func(y int) {
		i := y - minYear
		set[i/64] |= 1 << (i % 64)
	})
	return set, err
}

// parseValues parses a list field into a bit set indexed by value.
func parseValues(fd field, s string) (uint64, error) {
	var set uint64
	err := eachValue(fd, s, func(v int) { set |= 1 << v })
	return set, err
}

// eachValue calls add for every value a list of items selects. An item is
// "*", "v", "a-b", each optionally followed by "/step", or "a/step".
func eachValue(fd field, s string, add func(int)) error {
	if s == anyValue {
		return fmt.Errorf(`"?" is allowed only in day-of-month and day-of-week`)
	}
	for item := range strings.SplitSeq(s, ",") {
		if err := eachItem(fd, item, add); err != nil {
			return err
		}
	}
	return nil
}

func eachItem(fd field, item string, add func(int)) error {
	rng, stepStr, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		n, err := strconv.Atoi(stepStr)
		if !isDigits(stepStr) || err != nil || n < 1 || n > fd.max-fd.min+1 {
			return fmt.Errorf("%q: the step must be a number 1-%d", item, fd.max-fd.min+1)
		}
		step = n
	}
	lo, hi := fd.min, fd.max
	switch a, b, isRange := strings.Cut(rng, "-"); {
	case rng == allValues:
	case isRange:
		var err error
		if lo, err = value(fd, a); err != nil {
			return err
		}
		if hi, err = value(fd, b); err != nil {
			return err
		}
		if lo > hi && !fd.wraps {
			return fmt.Errorf("range %q runs backwards", rng)
		}
	default:
		var err error
		if lo, err = value(fd, rng); err != nil {
			return err
		}
		if !hasStep {
			hi = lo
		}
	}
	size := fd.max - fd.min + 1
	span := (hi - lo + size) % size // a wrapping range runs past max to min
	for off := 0; off <= span; off += step {
		add(fd.min + (lo-fd.min+off)%size)
	}
	return nil
}

// single parses one value, the operand of W, L or #.
func single(fd field, s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("missing value")
	}
	return value(fd, s)
}

// value parses a number or a name within the field's range.
func value(fd field, s string) (int, error) {
	for i, n := range fd.names {
		if s == n {
			return fd.min + i, nil
		}
	}
	if !isDigits(s) {
		if s == "" {
			return 0, fmt.Errorf("missing value")
		}
		return 0, fmt.Errorf("%q is not a number%s", s, nameHint(fd))
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < fd.min || v > fd.max {
		return 0, fmt.Errorf("%s is out of range %d-%d", s, fd.min, fd.max)
	}
	return v, nil
}

func nameHint(fd field) string {
	if fd.names == nil {
		return ""
	}
	return fmt.Sprintf(" or a name %s-%s", fd.names[0], fd.names[len(fd.names)-1])
}

// Next is the first fire time strictly after t; the zero time when none is
// left before the year 2200.
func (c *Cron) Next(t time.Time) time.Time {
	t = t.UTC()
	if t.Year() < minYear {
		t = time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Minute)
	}
	if t.Year() > maxYear {
		return time.Time{}
	}
	t = t.Truncate(time.Minute).Add(time.Minute)
	y, mo, d := t.Date()
	m, h, mi := int(mo), t.Hour(), t.Minute()
	for y <= maxYear {
		if !c.hasYear(y) {
			y, m, d, h, mi = y+1, 1, 1, 0, 0
			continue
		}
		if c.month&(1<<m) == 0 {
			if m++; m > 12 {
				y, m = y+1, 1
			}
			d, h, mi = 1, 0, 0
			continue
		}
		nd := nextBit(c.days(y, m), d)
		if nd < 0 {
			if m++; m > 12 {
				y, m = y+1, 1
			}
			d, h, mi = 1, 0, 0
			continue
		}
		if nd != d {
			d, h, mi = nd, 0, 0
		}
		nh := nextBit(c.hour, h)
		if nh < 0 {
			d, h, mi = d+1, 0, 0
			continue
		}
		if nh != h {
			h, mi = nh, 0
		}
		nm := nextBit(c.minute, mi)
		if nm < 0 {
			h, mi = h+1, 0
			continue
		}
		return time.Date(y, time.Month(m), d, h, nm, 0, 0, time.UTC)
	}
	return time.Time{}
}

func (c *Cron) hasYear(y int) bool {
	i := y - minYear
	return c.year[i/64]&(1<<(i%64)) != 0
}

// days is the set of days (bit d for day d) of month m of year y that match
// the day-of-month or day-of-week field, whichever is not "?".
func (c *Cron) days(y, m int) uint64 {
	n := daysIn(y, m)
	first := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Weekday() // Sunday = 0
	weekday := func(d int) int { return (int(first)+d-1)%7 + 1 }            // SUN = 1
	all := uint64(1)<<(n+1) - 2                                             // bits 1..n
	if !c.dom.any {
		return c.dom.match(n, weekday) & all
	}
	return c.dow.matchWeek(n, weekday) & all
}

func (s daySpec) match(n int, weekday func(int) int) uint64 {
	switch {
	case s.last:
		return 1 << n
	case s.lastWeekday:
		d := n
		switch weekday(n) {
		case 7:
			d = n - 1
		case 1:
			d = n - 2
		}
		return 1 << d
	case s.nearest > 0:
		return 1 << nearestWeekday(s.nearest, n, weekday)
	}
	return s.values
}

// nearestWeekday is the Monday-Friday day nearest to day d of a month of n
// days, never leaving the month (Quartz's W). A day past the month's end has
// none (bit 0, masked out by the caller).
func nearestWeekday(d, n int, weekday func(int) int) int {
	if d > n {
		return 0
	}
	switch weekday(d) {
	case 7: // Saturday: Friday, or Monday when the 1st
		if d == 1 {
			return d + 2
		}
		return d - 1
	case 1: // Sunday: Monday, or Friday when the last day
		if d == n {
			return d - 2
		}
		return d + 1
	}
	return d
}

func (s daySpec) matchWeek(n int, weekday func(int) int) uint64 {
	var set uint64
	switch {
	case s.lastOf > 0:
		for d := n; d > n-7; d-- {
			if weekday(d) == s.lastOf {
				return 1 << d
			}
		}
	case s.nth > 0:
		for d := 1; d <= 7; d++ {
			if weekday(d) == s.nthDay {
				return 1 << (d + 7*(s.nth-1)) // past the month: masked out
			}
		}
	default:
		for d := 1; d <= n; d++ {
			if s.values&(1<<weekday(d)) != 0 {
				set |= 1 << d
			}
		}
	}
	return set
}

// nextBit is the lowest set bit of set at or above from, or -1.
func nextBit(set uint64, from int) int {
	if from >= 64 {
		return -1
	}
	rest := set & (^uint64(0) << from)
	if rest == 0 {
		return -1
	}
	return bits.TrailingZeros64(rest)
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
