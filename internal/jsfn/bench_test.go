package jsfn

import (
	"context"
	"testing"
	"time"
)

// viewerResponseEvent is a viewer-response event like CloudFront's sample
// (1.2 KB of JSON).
const viewerResponseEvent = `{"version":"1.0","context":{"distributionDomainName":"d111111abcdef8.cloudfront.net","distributionId":"EDFDVBD6EXAMPLE","eventType":"viewer-response","requestId":"EXAMPLEntjQpEXAMPLE_SG5Z-EXAMPLEPmPfEXAMPLEu3EqEXAMPLE=="},"viewer":{"ip":"198.51.100.11"},"request":{"method":"GET","uri":"/media/index.mpd","querystring":{"ID":{"value":"42"},"Exp":{"value":"1619740800"}},"headers":{"host":{"value":"video.example.com"},"accept":{"value":"application/json","multiValue":[{"value":"application/json"},{"value":"application/xml"}]},"cloudfront-viewer-country":{"value":"GB"}},"cookies":{"Cookie1":{"value":"value1"}}},"response":{"statusCode":200,"statusDescription":"OK","headers":{"content-type":{"value":"application/json"},"content-length":{"value":"701"}},"cookies":{"ID":{"value":"id1234","attributes":"Expires=Wed, 05 Apr 2021 07:28:00 GMT"}}}}`

// addHeadersSource adds two security headers to the response.
const addHeadersSource = `function handler(event) {
    var response = event.response;
    var headers = response.headers;
    headers['strict-transport-security'] = { value: 'max-age=63072000; includeSubdomains; preload' };
    headers['x-content-type-options'] = { value: 'nosniff' };
    return response;
}`

func benchRun(b *testing.B, src string, rt Runtime, event string) {
	benchRunClock(b, src, rt, event, false)
}

// benchRunClock is benchRun with the budget on the wall clock when wall is
// set.
func benchRunClock(b *testing.B, src string, rt Runtime, event string, wall bool) {
	p, err := Compile([]byte(src), rt, Limits{Compute: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	p.wallClock = wall
	pool := NewPool(p, 1)
	defer pool.Close()
	ev := []byte(event)
	ctx := context.Background()
	opts := RunOptions{Now: fixedNow}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pool.Run(ctx, ev, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun is one viewer-response run that adds two headers: the
// engine's share of a CloudFront Functions call.
func BenchmarkRun(b *testing.B) {
	for _, rt := range []Runtime{Runtime10, Runtime20} {
		b.Run(string(rt), func(b *testing.B) { benchRun(b, addHeadersSource, rt, viewerResponseEvent) })
	}
}

// BenchmarkRunClock is BenchmarkRun's 2.0 run with the budget on the CPU
// clock (the thread lock, the watchdog timer, three system calls) and on the
// wall clock (the eval timeout alone), and the same for a bare run.
func BenchmarkRunClock(b *testing.B) {
	for _, wall := range []bool{false, true} {
		b.Run("run/"+modeName(wall), func(b *testing.B) {
			benchRunClock(b, addHeadersSource, Runtime20, viewerResponseEvent, wall)
		})
		b.Run("fixed/"+modeName(wall), func(b *testing.B) {
			benchRunClock(b, `function handler(e) { return 1; }`, Runtime20, `{}`, wall)
		})
	}
}

// BenchmarkRunParts splits BenchmarkRun's cost: the fixed cost of a run,
// then parsing the event, then the handler and serialising its result.
func BenchmarkRunParts(b *testing.B) {
	b.Run("fixed", func(b *testing.B) { benchRun(b, `function handler(e) { return 1; }`, Runtime20, `{}`) })
	b.Run("parse-event", func(b *testing.B) { benchRun(b, `function handler(e) { return 1; }`, Runtime20, viewerResponseEvent) })
	b.Run("return-response", func(b *testing.B) {
		benchRun(b, `function handler(e) { return e.response; }`, Runtime20, viewerResponseEvent)
	})
	b.Run("async", func(b *testing.B) {
		benchRun(b, `async function handler(e) { return e.response; }`, Runtime20, viewerResponseEvent)
	})
}

// BenchmarkRunParallel runs BenchmarkRun's handler from all Ps at once.
func BenchmarkRunParallel(b *testing.B) {
	p, err := Compile([]byte(addHeadersSource), Runtime20, Limits{Compute: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	pool := NewPool(p, 4)
	defer pool.Close()
	ev := []byte(viewerResponseEvent)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := pool.Run(context.Background(), ev, RunOptions{Now: fixedNow}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkNewVM is the cost of making a VM: the engine, the prelude and
// the program (paid off the request path, when a pool refills).
func BenchmarkNewVM(b *testing.B) {
	p, err := Compile([]byte(addHeadersSource), Runtime20, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := newVM(p)
		if err != nil {
			b.Fatal(err)
		}
		v.close()
	}
}
