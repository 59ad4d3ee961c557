//go:build !race

package dynamodb_test

// addsPerRacer is how many increments each racer of TestUpdateItemRace
// makes: 8 × 10,000 in a normal run.
const addsPerRacer = 10000

// raceEnabled reports a run under the race detector.
const raceEnabled = false
