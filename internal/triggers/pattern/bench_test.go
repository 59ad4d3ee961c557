package pattern

import (
	"fmt"
	"testing"
	"time"
)

// benchEvent is an S3 "Object Created" event as EventBridge delivers it.
const benchEvent = `{
  "version": "0",
  "id": "17793124-05d4-b198-2fde-7ededc63b103",
  "detail-type": "Object Created",
  "source": "aws.s3",
  "account": "123456789012",
  "time": "2021-11-12T00:00:00Z",
  "region": "ca-central-1",
  "resources": ["arn:aws:s3:::example-bucket"],
  "detail": {
    "version": "0",
    "bucket": {"name": "example-bucket"},
    "object": {
      "key": "uploads/2021/11/photo-0042.JPG",
      "size": 5242880,
      "etag": "b1946ac92492d2347c6235b4d2611184",
      "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
      "sequencer": "617f08299329d189"
    },
    "request-id": "N4N7GDK58NMKJ12R",
    "requester": "123456789012",
    "source-ip-address": "10.0.138.15",
    "reason": "PutObject",
    "tags": ["prod", "images", "eu"]
  }
}`

// benchRules returns n realistic rules over a mix of sources: a quarter
// target aws.s3 (so they evaluate every field), the rest other sources.
func benchRules(n int) []string {
	templates := []string{
		`{"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["bucket-%d", "example-bucket"]}}}`,
		`{"source": ["aws.s3"], "detail": {"object": {"key": [{"prefix": "uploads/%d"}, {"suffix": ".jpg"}]}}}`,
		`{"source": ["aws.s3"], "detail": {"object": {"size": [{"numeric": [">", %d, "<=", 10485760]}]}}}`,
		`{"source": ["aws.s3"], "detail": {"object": {"key": [{"wildcard": "uploads/*/photo-%d*"}]}, "reason": [{"anything-but": ["DeleteObject", "CopyObject"]}]}}`,
		`{"source": ["aws.s3"], "$or": [{"detail": {"source-ip-address": [{"cidr": "10.%d.0.0/16"}]}}, {"detail": {"tags": [{"equals-ignore-case": "PROD"}]}}]}`,
		`{"source": ["aws.s3"], "detail": {"object": {"key": [{"suffix": {"equals-ignore-case": ".jpg"}}]}, "error": [{"exists": false}], "n": [%d]}}`,
		`{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["running", "s%d"]}}`,
		`{"source": ["custom.orders-%d"], "detail-type": ["OrderPlaced"], "detail": {"total": [{"numeric": [">=", 100]}]}}`,
		`{"source": [{"prefix": "com.partner%d."}], "detail": {"customer": {"tier": ["gold", "platinum"]}}}`,
		`{"detail-type": ["Scheduled Event %d"], "source": ["aws.events"]}`,
		`{"source": ["aws.cloudwatch"], "$or": [{"detail": {"metricName": ["CPU%d"]}}, {"detail": {"namespace": ["AWS/EC2"]}}]}`,
		`{"source": ["aws.codebuild"], "detail": {"build-status": [{"anything-but": "IN_PROGRESS"}], "project-name": ["p%d"]}}`,
	}
	rules := make([]string, n)
	for i := range rules {
		rules[i] = fmt.Sprintf(templates[i%len(templates)], i)
	}
	return rules
}

func compileAll(tb testing.TB, rules []string) []*Pattern {
	tb.Helper()
	ps := make([]*Pattern, len(rules))
	for i, r := range rules {
		p, err := Compile([]byte(r))
		if err != nil {
			tb.Fatalf("rule %d: %v", i, err)
		}
		ps[i] = p
	}
	return ps
}

// BenchmarkMatch100Rules flattens one event once and matches it against
// 100 rules per iteration; matches/s counts event/rule pairs.
func BenchmarkMatch100Rules(b *testing.B) {
	ps := compileAll(b, benchRules(100))
	e, err := Flatten([]byte(benchEvent))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	hits := 0
	for range b.N {
		for _, p := range ps {
			if p.MatchEvent(e) {
				hits++
			}
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N)*float64(len(ps))/elapsed.Seconds(), "matches/s")
	if hits == 0 {
		b.Fatal("no rule matched")
	}
}

func BenchmarkFlatten(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	for range b.N {
		if _, err := Flatten([]byte(benchEvent)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	rules := benchRules(12)
	b.ReportAllocs()
	for i := range b.N {
		if _, err := Compile([]byte(rules[i%len(rules)])); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMatchEventDoesNotAllocate pins the hot path at zero allocations.
func TestMatchEventDoesNotAllocate(t *testing.T) {
	ps := compileAll(t, benchRules(100))
	e, err := Flatten([]byte(benchEvent))
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, p := range ps {
			p.MatchEvent(e)
		}
	})
	if allocs != 0 {
		t.Errorf("MatchEvent allocates %.1f times per 100 rules, want 0", allocs)
	}
}

// TestBenchRulesMatch checks the benchmark does real work: the aws.s3
// rules match the event and the others do not.
func TestBenchRulesMatch(t *testing.T) {
	rules := benchRules(12)
	ps := compileAll(t, rules)
	e, err := Flatten([]byte(benchEvent))
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, true, false, true, false, false, false, false, false, false, false}
	for i, p := range ps {
		if got := p.MatchEvent(e); got != want[i] {
			t.Errorf("rule %d %s: match = %v, want %v", i, rules[i], got, want[i])
		}
	}
}
