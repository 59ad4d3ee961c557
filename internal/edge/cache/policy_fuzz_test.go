package cache

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzDecide feeds Decide arbitrary Cache-Control, Expires, Age, Date and
// Vary values, statuses and TTL policies, and checks the invariants the
// engine relies on: no panic, a stored response's TTL within [Min, Max]
// (error statuses: at most Max), no negative durations, a reason whenever
// nothing is stored, and inputs left untouched. ParseRequest and Merge304
// get the same strings.
func FuzzDecide(f *testing.F) {
	seeds := []struct {
		cc, expires, age, date, vary string
		status                       int
		minS, defS, maxS             int64
		auth                         bool
		delayMS                      int64
	}{
		{"max-age=60", "", "50", "", "", 200, 0, 86400, 31536000, false, 10},
		{"s-maxage=30, max-age=60, stale-while-revalidate=5", "", "", "Sun, 22 Nov 2026 11:59:00 GMT", "", 200, 1, 60, 120, true, 0},
		{"no-store", "0", "", "", "*", 200, 60, 86400, 31536000, false, 0},
		{`no-cache="Set-Cookie, X", private`, "Sun, 22 Nov 2026 13:00:00 GMT", "99999999999999999999", "", "Accept-Encoding", 404, 0, 0, 0, false, -5},
		{"max-age=abc, must-understand, no-store", "garbage", "-1", "bad", "", 503, 3600, 10, 5, false, 1 << 40},
		{`max-age="60`, "", " 7 ", "", "", 302, 0, 100, 50, true, 0},
		{"public, proxy-revalidate, stale-if-error=99999999999", "Thursday, 01-Jan-70 00:00:00 GMT", "", "Mon Jan  2 15:04:05 2006", "", 307, -1, -1, -1, true, 0},
	}
	for _, s := range seeds {
		f.Add(s.cc, s.expires, s.age, s.date, s.vary, s.status, s.minS, s.defS, s.maxS, s.auth, s.delayMS)
	}
	f.Fuzz(func(t *testing.T, cc, expires, age, date, vary string, status int, minS, defS, maxS int64, auth bool, delayMS int64) {
		resp := http.Header{}
		for name, v := range map[string]string{"Cache-Control": cc, "Expires": expires, "Age": age, "Date": date, "Vary": vary} {
			if v != "" {
				// A NUL splits the value into field lines, to exercise repeats.
				resp[name] = strings.Split(v, "\x00")
			}
		}
		req := http.Header{}
		if auth {
			req.Set("Authorization", "Bearer x")
		}
		// Keep TTLs within a century so seconds*time.Second cannot overflow.
		const century = 100 * 365 * 24 * 3600
		secs := func(n int64) time.Duration { return time.Duration(n%century) * time.Second }
		p := TTLPolicy{Min: secs(minS), Default: secs(defS), Max: secs(maxS)}
		responseTime := t0
		requestTime := t0.Add(-time.Duration(delayMS) * time.Millisecond)
		reqBefore, respBefore := req.Clone(), resp.Clone()

		d := Decide(req, status, resp, requestTime, responseTime, p)

		if !reflect.DeepEqual(req, reqBefore) || !reflect.DeepEqual(resp, respBefore) {
			t.Fatalf("Decide modified its headers")
		}
		if d2 := Decide(req, status, resp, requestTime, responseTime, p); d2 != d {
			t.Fatalf("Decide is not deterministic: %+v then %+v", d, d2)
		}
		np := p.normalized()
		if d.Store {
			if d.Reason != "" {
				t.Errorf("stored with reason %q", d.Reason)
			}
			if d.TTL < 0 || d.TTL > np.Max {
				t.Errorf("TTL %v outside [0, Max %v] (policy %+v, status %d, cc %q)", d.TTL, np.Max, p, status, cc)
			}
			if classify(status) != statusError && d.TTL < np.Min {
				t.Errorf("TTL %v below Min %v (policy %+v, status %d, cc %q)", d.TTL, np.Min, p, status, cc)
			}
			if d.InitialAge < 0 || d.StaleWhileRevalidate < 0 || d.StaleIfError < 0 {
				t.Errorf("negative duration in %+v", d)
			}
			if classify(status) == statusUncacheable {
				t.Errorf("stored status %d", status)
			}
		} else if d.Reason == "" || d != (Decision{Reason: d.Reason}) {
			t.Errorf("not stored but %+v", d)
		}

		r := ParseRequest(resp)
		if r.MaxAge < -1 || r.MaxStale < -1 || r.MinFresh < -1 {
			t.Errorf("ParseRequest(%q) gave negative durations: %+v", cc, r)
		}
		if a := Age(d.InitialAge, responseTime, responseTime.Add(time.Duration(delayMS))); a < 0 {
			t.Errorf("negative Age %v", a)
		}
		// A 304 with a fuzzed field name and Connection list.
		notModified := http.Header{date: {cc}, "Connection": {vary}, "Content-Length": {"0"}}
		resp.Set("Content-Length", "42")
		respBefore = resp.Clone()
		merged := Merge304(resp, notModified)
		if !reflect.DeepEqual(resp, respBefore) {
			t.Fatalf("Merge304 modified the stored header")
		}
		if merged.Get("Content-Length") != "42" {
			t.Errorf("Merge304 replaced Content-Length: %v", merged)
		}
		if len(notModified.Values("Age")) == 0 && len(merged.Values("Age")) != 0 {
			t.Errorf("Merge304 kept a stale Age: %v", merged)
		}
	})
}

// FuzzCompressible checks that Compressible never panics and ignores what it
// promises to: ASCII case, surrounding white space and parameters.
func FuzzCompressible(f *testing.F) {
	for _, tc := range compressibleTests {
		f.Add(tc.contentType)
	}
	f.Fuzz(func(t *testing.T, ct string) {
		got := Compressible(ct)
		if asciiUpper := strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' {
				return r - 'a' + 'A'
			}
			return r
		}, ct); Compressible(asciiUpper) != got {
			t.Errorf("Compressible(%q) = %v but Compressible(%q) = %v", ct, got, asciiUpper, !got)
		}
		if Compressible(" \t"+ct+"\t ") != got && !strings.Contains(ct, ";") {
			t.Errorf("Compressible(%q) changes with surrounding white space", ct)
		}
		if !strings.Contains(ct, ";") && Compressible(ct+"; charset=utf-8") != got {
			t.Errorf("Compressible(%q) changes with a parameter", ct)
		}
		if got && !strings.Contains(ct, "/") {
			t.Errorf("Compressible(%q) = true without a subtype", ct)
		}
	})
}
