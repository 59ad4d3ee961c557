package schedule

import "time"

// Expression syntax.
const (
	cronPrefix = "cron("
	ratePrefix = "rate("
	exprSuffix = ")"
	anyValue   = "?"
	allValues  = "*"
)

// Years AWS accepts; Next returns the zero time past maxYear.
const (
	minYear = 1970
	maxYear = 2199
)

// Scheduled Event payload constants (EventBridge's "Scheduled Event").
const (
	eventDetailType = "Scheduled Event"
	eventSource     = "aws.events"
)

// maxRateValue bounds a rate's value so its period cannot overflow a
// time.Duration (1e6 days is about 2,700 years).
const maxRateValue = 1_000_000

// Scheduler tuning.
const (
	// maxWait bounds one sleep of the Scheduler so that a wall-clock jump
	// (a suspended laptop, an NTP step) delays a fire by at most this long.
	maxWait = time.Minute
	// maxCatchUp bounds the walk from a missed fire time to the latest one.
	maxCatchUp = 10_000
)
