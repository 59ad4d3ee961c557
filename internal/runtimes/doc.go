// Package runtimes knows the runtimes a function can run on: how an entry
// file implies one, where the real interpreters are, and the bootstraps for
// Node.js and Python (embedded files) that speak the Lambda Runtime API.
package runtimes
