package eventbus

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

type entryCase struct {
	name string
	e    Entry
	code string // "" when valid
	msg  string // substring of the message
}

func ok(e Entry) Entry {
	if e.Source == "" {
		e.Source = "my.app"
	}
	if e.DetailType == "" {
		e.DetailType = "order.created"
	}
	if e.Detail == "" {
		e.Detail = `{"id":1}`
	}
	return e
}

var entryCases = []entryCase{
	{name: "valid", e: ok(Entry{})},
	{name: "valid with everything", e: ok(Entry{EventBusName: "orders", Time: "2026-01-02T03:04:05Z", Resources: []string{"r1"}, TraceHeader: "Root=1-abc"})},
	{name: "valid bus ARN", e: ok(Entry{EventBusName: "arn:aws:events:us-east-1:000000000000:event-bus/orders"})},
	{name: "valid epoch time", e: ok(Entry{Time: "1767323045.5"})},
	{name: "detail with spaces", e: ok(Entry{Detail: " \n{ \"a\" : 1 } "})},
	{name: "missing source", e: Entry{DetailType: "t", Detail: "{}"}, code: CodeInvalidArgument, msg: "Parameter(s) Source not specified"},
	{name: "missing detail type", e: Entry{Source: "s", Detail: "{}"}, code: CodeInvalidArgument, msg: "DetailType not specified"},
	{name: "missing detail", e: Entry{Source: "s", DetailType: "t"}, code: CodeInvalidArgument, msg: "Detail not specified"},
	{name: "missing all", e: Entry{}, code: CodeInvalidArgument, msg: "Source, DetailType, Detail not specified"},
	{name: "detail not JSON", e: ok(Entry{Detail: "{a"}), code: CodeMalformedDetail},
	{name: "detail an array", e: ok(Entry{Detail: "[1]"}), code: CodeMalformedDetail},
	{name: "detail a string", e: ok(Entry{Detail: `"x"`}), code: CodeMalformedDetail},
	{name: "detail two objects", e: ok(Entry{Detail: `{}{}`}), code: CodeMalformedDetail},
	{name: "entry at 256 KB", e: ok(Entry{Source: "s", DetailType: "t", Detail: `{"a":"` + strings.Repeat("x", MaxEntrySize-10) + `"}`})},
	{name: "entry over 256 KB", e: ok(Entry{Source: "s", DetailType: "t", Detail: `{"a":"` + strings.Repeat("x", MaxEntrySize-9) + `"}`}), code: CodeInvalidArgument, msg: "over the 262144 bytes limit"},
	{name: "time counts 14 bytes", e: ok(Entry{Source: "s", DetailType: "t", Time: "1", Detail: `{"a":"` + strings.Repeat("x", MaxEntrySize-23) + `"}`}), code: CodeInvalidArgument, msg: "size"},
	{name: "resources count", e: ok(Entry{Source: "s", DetailType: "t", Resources: []string{"ab"}, Detail: `{"a":"` + strings.Repeat("x", MaxEntrySize-11) + `"}`}), code: CodeInvalidArgument, msg: "size"},
	{name: "bad time", e: ok(Entry{Time: "yesterday"}), code: CodeInvalidArgument, msg: "Time"},
	{name: "bad bus name", e: ok(Entry{EventBusName: "my bus"}), code: CodeInvalidArgument, msg: "EventBusName"},
	{name: "ARN of something else", e: ok(Entry{EventBusName: "arn:aws:events:us-east-1:000000000000:rule/x"}), code: CodeInvalidArgument, msg: "not an event bus"},
	{name: "bus name too long", e: ok(Entry{EventBusName: strings.Repeat("a", maxBusNameLen+1)}), code: CodeInvalidArgument, msg: "1600"},
}

func TestEntryCheck(t *testing.T) {
	for _, c := range entryCases {
		t.Run(c.name, func(t *testing.T) {
			err := c.e.Check()
			if c.code == "" {
				if err != nil {
					t.Fatalf("Check() = %v, want nil", err)
				}
				return
			}
			var ee *EntryError
			if !errors.As(err, &ee) {
				t.Fatalf("Check() = %v, want an *EntryError %s", err, c.code)
			}
			if ee.Code != c.code || !strings.Contains(ee.Message, c.msg) {
				t.Errorf("Check() = %s %q, want %s with %q", ee.Code, ee.Message, c.code, c.msg)
			}
		})
	}
}

func TestEntryUnmarshalTime(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"Time": 1767323045}`, "1767323045"},
		{`{"Time": 1.7673230455e9}`, "1.7673230455e9"},
		{`{"Time": "2026-01-02T03:04:05Z"}`, "2026-01-02T03:04:05Z"},
		{`{"Time": null}`, ""},
		{`{}`, ""},
	} {
		var e Entry
		if err := json.Unmarshal([]byte(c.in), &e); err != nil || e.Time != c.want {
			t.Errorf("%s: Time %q, err %v; want %q", c.in, e.Time, err, c.want)
		}
	}
	var e Entry
	if err := json.Unmarshal([]byte(`{"Time": true}`), &e); err == nil {
		t.Error("Time true: want an error")
	}
	if err := json.Unmarshal([]byte(`{"Source":"s","Resources":["a"],"Time":5}`), &e); err != nil || e.Source != "s" || e.Resources[0] != "a" {
		t.Errorf("other fields lost: %+v %v", e, err)
	}
}

func TestEnvelope(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	for _, c := range []struct {
		name string
		e    Entry
		want string
	}{
		{"minimal", Entry{Source: "my.app", DetailType: "Order Created", Detail: `{ "id" : 1 }`},
			`{"version":"0","id":"ID","detail-type":"Order Created","source":"my.app","account":"000000000000","time":"2026-01-02T03:04:05Z","region":"us-east-1","resources":[],"detail":{"id":1}}`},
		{"time and resources", Entry{Source: "s", DetailType: "t", Detail: `{}`, Time: "2020-05-06T07:08:09+02:00", Resources: []string{"a", "b<>"}},
			`{"version":"0","id":"ID","detail-type":"t","source":"s","account":"000000000000","time":"2020-05-06T05:08:09Z","region":"us-east-1","resources":["a","b<>"],"detail":{}}`},
		{"epoch time", Entry{Source: "s", DetailType: "t", Detail: `{}`, Time: "1767323045"},
			`{"version":"0","id":"ID","detail-type":"t","source":"s","account":"000000000000","time":"2026-01-02T03:04:05Z","region":"us-east-1","resources":[],"detail":{}}`},
		{"quotes escaped", Entry{Source: `a"b`, DetailType: "t\n", Detail: `{"x":"\u00e9"}`},
			`{"version":"0","id":"ID","detail-type":"t\n","source":"a\"b","account":"000000000000","time":"2026-01-02T03:04:05Z","region":"us-east-1","resources":[],"detail":{"x":"\u00e9"}}`},
		{"invalid detail", Entry{Source: "s", DetailType: "t", Detail: `[1]`},
			`{"version":"0","id":"ID","detail-type":"t","source":"s","account":"000000000000","time":"2026-01-02T03:04:05Z","region":"us-east-1","resources":[],"detail":{}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Envelope(c.e, "ID", now)
			if string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestBusName(t *testing.T) {
	for in, want := range map[string]string{
		"":       "default",
		"orders": "orders",
		"arn:aws:events:us-east-1:000000000000:event-bus/orders":  "orders",
		"arn:aws:events:eu-west-1:123456789012:event-bus/a/b.c-d": "a/b.c-d",
	} {
		if got := BusName(in); got != want {
			t.Errorf("BusName(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := BusARN("orders"), "arn:aws:events:us-east-1:000000000000:event-bus/orders"; got != want {
		t.Errorf("BusARN = %q, want %q", got, want)
	}
}
