// Package cache is the CDN's shared HTTP cache: RFC 9111 storability and
// freshness with CloudFront's TTL policy (policy.go), the stored Entry, and the
// stores that hold entries within a byte budget: a memory tier (otter, W-TinyLFU
// weighted by bytes) and an optional disk tier that survives a restart.
//
// The engine that fills the cache, collapses concurrent misses and serves
// entries lives in package edge; this package holds no goroutines of its own
// beyond otter's maintenance and knows nothing about requests in flight.
package cache
