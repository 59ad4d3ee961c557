//go:build race

package jsfn

const raceEnabled = true
