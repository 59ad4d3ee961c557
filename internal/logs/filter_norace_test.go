//go:build !race

package logs

// raceEnabled reports a run under the race detector, whose instrumentation
// allocates where a normal build does not.
const raceEnabled = false
