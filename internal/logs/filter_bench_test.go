package logs

import (
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkMatch matches one Lambda-like log line per op, for each kind of
// pattern beside a floor: what the cheapest look at the line costs
// (strings.Contains for terms, json.Valid for JSON, strings.Fields for
// space-delimited). matches/s is lines per second.
func BenchmarkMatch(b *testing.B) {
	const (
		text   = "2026-11-22T10:00:00.000Z\t6f1c7e2a-9b1d-4c55-8a0e-2f8f6d0c1a11\tERROR\tTask timed out after 3.00 seconds"
		object = `{"time":"2026-11-22T10:00:00.000Z","level":"ERROR","requestId":"6f1c7e2a-9b1d-4c55-8a0e-2f8f6d0c1a11","ms":153,"msg":"Task timed out","tags":["a","b"]}`
		access = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`
	)
	for _, c := range []struct {
		name, pattern, msg string
		floor              func(string) bool
	}{
		{"terms", `ERROR "timed out" -DEBUG`, text, func(m string) bool { return strings.Contains(m, "timed out") }},
		{"json", `{ $.level = "ERROR" && $.ms > 100 }`, object, func(m string) bool { return json.Valid([]byte(m)) }},
		{"space", `[ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes]`, access, func(m string) bool { return len(strings.Fields(m)) > 0 }},
	} {
		f, err := ParseFilter(c.pattern)
		if err != nil {
			b.Fatal(err)
		}
		if !f.Match(c.msg) || !c.floor(c.msg) {
			b.Fatalf("%s: %q does not match", c.name, c.pattern)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Match(c.msg)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "matches/s")
		})
		b.Run(c.name+"/floor", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.floor(c.msg)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "matches/s")
		})
	}
}
