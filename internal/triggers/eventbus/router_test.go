package eventbus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// sourceIs matches events whose "source" is one of its values: the least a
// Matcher does, standing in for package pattern, which is built apart.
type sourceIs []string

func (m sourceIs) Match(event []byte) bool {
	var e struct{ Source string }
	if json.Unmarshal(event, &e) != nil {
		return false
	}
	for _, s := range m {
		if e.Source == s {
			return true
		}
	}
	return false
}

func event(source string) []byte {
	return Envelope(Entry{Source: source, DetailType: "t", Detail: `{"n":1}`}, "id-1", testVars.IngestionTime)
}

type routeCase struct {
	name  string
	bus   string
	event []byte
	want  []string // "rule=payload" or "rule!err"
}

func TestRoute(t *testing.T) {
	rules := []*Rule{
		{Name: "all-a", Target: "fa", Matcher: sourceIs{"a"}},
		{Name: "a-or-b", Bus: "default", Target: "fb", Matcher: sourceIs{"a", "b"}, Input: Input{InputPath: "$.detail"}},
		{Name: "const", Bus: "orders", Target: "fc", Matcher: sourceIs{"a"}, Input: Input{Input: json.RawMessage(`{"k": "v"}`)}},
		{Name: "named", Bus: "orders", Target: "fd", Matcher: sourceIs{"b"},
			Input: Input{Transformer: &Transformer{PathsMap: map[string]string{"n": "$.detail.n"}, Template: `{"rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>", "n": <n>}`}}},
		{Name: "nomatch-path", Bus: "orders", Target: "fe", Matcher: sourceIs{"c"}, Input: Input{InputPath: "$.detail.missing"}},
		{Name: "invalid", Bus: "orders", Target: "ff", Matcher: sourceIs{"c"}, Input: Input{InputPath: "nope"}},
		{Name: "no-pattern", Target: "fg"},
	}
	r := NewRouter(rules)
	for _, c := range []routeCase{
		{"default bus, two rules in order", "", event("a"), []string{"all-a=" + string(event("a")), `a-or-b={"n":1}`}},
		{"default by name", "default", event("b"), []string{`a-or-b={"n":1}`}},
		{"bus by ARN", BusARN("orders"), event("a"), []string{`const={"k":"v"}`}},
		{"transformer gets rule name and ARN", "orders", event("b"),
			[]string{`named={"rule":"named","arn":"arn:aws:events:us-east-1:000000000000:rule/orders/named","n":1}`}},
		{"input errors surface per delivery", "orders", event("c"), []string{"nomatch-path!", "invalid!"}},
		{"no match", "", event("z"), nil},
		{"unknown bus", "nope", event("a"), nil},
		{"not JSON", "", []byte("{"), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, d := range r.Route(c.bus, c.event) {
				if d.Err != nil {
					got = append(got, d.Rule.Name+"!")
					continue
				}
				got = append(got, d.Rule.Name+"="+string(d.Payload))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
	if n := r.Rules("orders"); n != 4 {
		t.Errorf("Rules(orders) = %d, want 4", n)
	}
}

func TestRouteErrors(t *testing.T) {
	r := NewRouter([]*Rule{{Name: "p", Matcher: sourceIs{"a"}, Input: Input{InputPath: "$.detail.x"}}})
	d := r.Route("", event("a"))
	if len(d) != 1 || !errors.Is(d[0].Err, ErrNoMatch) || d[0].Payload != nil {
		t.Fatalf("deliveries %+v, want one with ErrNoMatch", d)
	}
}

func TestRuleARN(t *testing.T) {
	for _, c := range []struct {
		r    Rule
		want string
	}{
		{Rule{Name: "x"}, "arn:aws:events:us-east-1:000000000000:rule/x"},
		{Rule{Name: "x", Bus: "default"}, "arn:aws:events:us-east-1:000000000000:rule/x"},
		{Rule{Name: "x", Bus: "orders"}, "arn:aws:events:us-east-1:000000000000:rule/orders/x"},
	} {
		if got := c.r.ARN(); got != c.want {
			t.Errorf("%+v: ARN %q, want %q", c.r, got, c.want)
		}
	}
}

// TestRouteConcurrent runs Route from many goroutines, for -race.
func TestRouteConcurrent(t *testing.T) {
	r := NewRouter([]*Rule{{Name: "t", Matcher: sourceIs{"a"}, Input: Input{Transformer: &Transformer{
		PathsMap: map[string]string{"d": "$.detail"}, Template: `{"d": <d>}`}}}})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				d := r.Route("default", event("a"))
				if len(d) != 1 || !bytes.Equal(d[0].Payload, []byte(`{"d":{"n":1}}`)) {
					t.Errorf("deliveries %+v", d)
					return
				}
			}
		})
	}
	wg.Wait()
}

// contains is a matcher that costs next to nothing, so that the benchmark
// measures routing and input transformation.
type contains string

func (c contains) Match(event []byte) bool { return bytes.Contains(event, []byte(c)) }

// BenchmarkRoute routes an event over 100 rules on one bus, 10 of which
// match and apply an input transformer.
func BenchmarkRoute(b *testing.B) {
	var rules []*Rule
	for i := range 100 {
		src := fmt.Sprintf("src%d", i%10)
		rules = append(rules, &Rule{Name: fmt.Sprint("r", i), Target: "f", Matcher: contains(`"source":"` + src + `"`),
			Input: Input{Transformer: &Transformer{PathsMap: map[string]string{"n": "$.detail.n"}, Template: `{"n": <n>, "r": "<aws.events.rule-name>"}`}}})
	}
	r := NewRouter(rules)
	ev := event("src3")
	b.ReportAllocs()
	for b.Loop() {
		if len(r.Route("default", ev)) != 10 {
			b.Fatal("want 10 deliveries")
		}
	}
}
