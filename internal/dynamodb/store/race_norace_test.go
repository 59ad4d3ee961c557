//go:build !race

package store

// counterWrites is how many increments each writer of TestCounter makes:
// 8 × 10,000 in a normal run.
const counterWrites = 10000
