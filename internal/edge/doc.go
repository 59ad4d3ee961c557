// Package edge is the CDN: it routes a request to a distribution by Host and
// to a cache behaviour by path, then runs the request through explicit phases,
// as CloudFront does:
//
//	viewer-request → cache lookup → origin-request → origin fetch →
//	origin-response → cache store → viewer-response
//
// Functions attach at the four trigger points through the Runner interface;
// the cache (package cache) and the origins (package origin) know nothing of
// them. Concurrent misses for one key collapse into one origin fetch whose
// body streams to every waiter (fill.go), and the fetch outlives the client
// that started it.
//
// A Server holds its configuration behind an atomic pointer: Load compiles a
// new plan and swaps it in, so requests in flight finish on the old one.
package edge
