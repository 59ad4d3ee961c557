//go:build race

package dynamodb_test

// addsPerRacer is how many increments each racer of TestUpdateItemRace
// makes under the race detector, which slows each request about tenfold:
// 8 × 1,000 keeps the test within CI's time on two cores; CI also runs
// the full 8 × 10,000 without it (.ci/run).
const addsPerRacer = 1000

// raceEnabled reports a run under the race detector.
const raceEnabled = true
