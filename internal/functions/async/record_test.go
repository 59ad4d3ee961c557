package async

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func TestNameFromARN(t *testing.T) {
	type tc struct{ arn, want string }
	for _, c := range []tc{
		{"arn:aws:lambda:us-east-1:000000000000:function:sink", "sink"},
		{"arn:aws:lambda:us-east-1:000000000000:function:sink:$LATEST", "sink"},
		{"arn:aws:lambda:us-east-1:000000000000:function:sink:live", "sink"},
		{"arn:aws:events:us-east-1:000000000000:event-bus/default", "default"},
		{"arn:aws:events:us-east-1:000000000000:rule/x", ""},
		{"arn:aws:events:us-east-1:000000000000:event-bus/a/b", ""},
		{"arn:aws:lambda:us-east-1:000000000000:layer:x:1", ""},
		{"arn:aws:sqs:us-east-1:000000000000:q", "q"},
		{"arn:aws:sns:us-east-1:000000000000:t.fifo", "t.fifo"},
		{"arn:aws:sqs:us-east-1:000000000000:a:b", ""},
		{"sink", ""},
		{"", ""},
	} {
		if got := nameFromARN(c.arn); got != c.want {
			t.Errorf("nameFromARN(%q) = %q, want %q", c.arn, got, c.want)
		}
	}
	d := Destination{Kind: KindFunction, Name: "byname", ARN: "arn:aws:lambda:us-east-1:0:function:other"}
	if d.target() != "byname" {
		t.Errorf("Name must win over ARN, got %q", d.target())
	}
}

func TestRecordJSON(t *testing.T) {
	now := time.Date(2019, 11, 14, 18, 16, 5, 568e6, time.UTC)
	type tc struct {
		name    string
		payload string
		o       outcome
		want    string
	}
	for _, c := range []tc{
		{"failure", `{"a":1}`, outcome{condition: ConditionRetriesExhausted, attempts: 3, last: &Result{Payload: []byte(`{"errorMessage":"x"}`), FunctionError: "Unhandled"}},
			`{"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z","requestContext":{"requestId":"id-1","functionArn":"arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":{"a":1},"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},"responsePayload":{"errorMessage":"x"}}`},
		{"success without response", `[1]`, outcome{condition: ConditionSuccess, attempts: 1, last: &Result{}},
			`{"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z","requestContext":{"requestId":"id-1","functionArn":"arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST","condition":"Success","approximateInvokeCount":1},"requestPayload":[1],"responseContext":{"statusCode":200,"executedVersion":"$LATEST"}}`},
		{"age, never run, text payload", `hi`, outcome{condition: ConditionEventAgeExceeded},
			`{"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z","requestContext":{"requestId":"id-1","functionArn":"arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST","condition":"EventAgeExceeded","approximateInvokeCount":0},"requestPayload":"hi","responseContext":{"statusCode":200,"executedVersion":"$LATEST"}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := newRecord(now, "fn", "id-1", []byte(c.payload), c.o)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("record:\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestParseEvent(t *testing.T) {
	type tc struct {
		name    string
		headers map[string]string
		ok      bool
	}
	good := map[string]string{hdrRequestID: "r", hdrEnqueued: "1", hdrAttempts: "0"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range good {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, c := range []tc{
		{"good", good, true},
		{"not before", with(hdrNotBefore, "5"), true},
		{"no id", with(hdrRequestID, ""), false},
		{"bad time", with(hdrEnqueued, "x"), false},
		{"negative attempts", with(hdrAttempts, "-1"), false},
		{"bad not before", with(hdrNotBefore, "soon"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := nats.Header{}
			for k, v := range c.headers {
				h.Set(k, v)
			}
			if _, err := parseEvent(h); (err == nil) != c.ok {
				t.Errorf("parseEvent(%v) error = %v, want ok %v", c.headers, err, c.ok)
			}
		})
	}
}

func FuzzNameFromARN(f *testing.F) {
	for _, s := range []string{"arn:aws:lambda:us-east-1:0:function:a:b", "arn:aws:events:r:a:event-bus/x", "arn:::::", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		name := nameFromARN(arn)
		if name != "" && !strings.Contains(arn, name) {
			t.Errorf("nameFromARN(%q) = %q, not part of it", arn, name)
		}
		if strings.ContainsAny(name, ":/") {
			t.Errorf("nameFromARN(%q) = %q holds a separator", arn, name)
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	f.Add("r", "1", "0", "")
	f.Add("", "x", "-1", "y")
	f.Fuzz(func(t *testing.T, id, enq, attempts, nb string) {
		h := nats.Header{}
		h.Set(hdrRequestID, id)
		h.Set(hdrEnqueued, enq)
		h.Set(hdrAttempts, attempts)
		h.Set(hdrNotBefore, nb)
		ev, err := parseEvent(h)
		if err != nil {
			return
		}
		if ev.requestID == "" || ev.attempts < 0 {
			t.Errorf("parseEvent accepted %+v", ev)
		}
		if n, _ := strconv.Atoi(attempts); n != ev.attempts {
			t.Errorf("attempts = %d from %q", ev.attempts, attempts)
		}
	})
}
