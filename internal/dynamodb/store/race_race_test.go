//go:build race

package store

// counterWrites is how many increments each writer of TestCounter makes
// under the race detector, which slows each write about tenfold; CI also
// runs the full 8 × 10,000 without it (.ci/run).
const counterWrites = 1250
