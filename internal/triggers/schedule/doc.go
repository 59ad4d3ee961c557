// Package schedule parses AWS schedule expressions, rate(…) and cron(…), as
// EventBridge accepts them, computes their fire times, and runs a Scheduler
// that fires a set of named entries at those times.
//
// Cron expressions are AWS's six fields "min hour day-of-month month
// day-of-week year", always in UTC, with exactly one of day-of-month and
// day-of-week set to "?". Day-of-week counts SUN=1 … SAT=7. The special
// characters L, W, LW and # follow Quartz, which EventBridge's dialect
// derives from. A range whose start is past its end wraps around the field,
// field by field as Quartz does: hours "20-2" are 20,21,22,23,0,1,2 on every
// matching day, so with "MON-FRI" the 00:30 fire happens on Monday and not on
// Saturday (AWS's prose for its own example describes the other reading).
//
// Choices where AWS's documentation is silent: names and the letters L, W
// are case-insensitive; "nW" for a day past the month's end (31W in April)
// does not fire that month, as a plain 31 does not; Quartz's "L-n" offset is
// rejected; a step may be at most the field's size (0/60 in minutes).
//
// Rate expressions fire every period from an anchor; see [Rate].
//
// A [Scheduler] fires named entries at their times on one goroutine; Set
// replaces the entries on a stack reload, keeping unchanged ones as they are.
//
// Event builds the "Scheduled Event" payload EventBridge delivers to a
// function target.
package schedule
