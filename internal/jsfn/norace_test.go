//go:build !race

package jsfn

const raceEnabled = false
