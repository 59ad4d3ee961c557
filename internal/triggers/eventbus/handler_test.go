package eventbus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"
)

// store is an in-memory Publisher; source "fail.me" makes Publish fail.
type store struct {
	mu     sync.Mutex
	events map[string][][]byte
}

func (s *store) Publish(_ context.Context, bus string, event []byte) error {
	if bytes.Contains(event, []byte(`"source":"fail.me"`)) {
		return errors.New("stream unavailable")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.events == nil {
		s.events = make(map[string][][]byte)
	}
	s.events[bus] = append(s.events[bus], bytes.Clone(event))
	return nil
}

func (s *store) get(bus string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events[bus]
}

func knownBuses(name string) bool { return name == DefaultBus || name == "orders" }

// newClient serves a handler on 127.0.0.1 and returns the AWS SDK's
// EventBridge client pointed at it.
func newClient(t *testing.T, p Publisher) *eventbridge.Client {
	t.Helper()
	srv := httptest.NewServer(NewHandler(p, knownBuses))
	t.Cleanup(srv.Close)
	return eventbridge.New(eventbridge.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1,
	})
}

type sdkEntry struct {
	entry types.PutEventsRequestEntry
	code  string // wanted ErrorCode, "" for success
	bus   string // where a success lands
}

func TestPutEventsThroughSDK(t *testing.T) {
	s := &store{}
	client := newClient(t, s)
	when := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	cases := []sdkEntry{
		{entry: types.PutEventsRequestEntry{Source: aws.String("my.app"), DetailType: aws.String("Order Created"), Detail: aws.String(`{"id": 1}`), Time: aws.Time(when), Resources: []string{"r1"}}, bus: "default"},
		{entry: types.PutEventsRequestEntry{DetailType: aws.String("t"), Detail: aws.String(`{}`)}, code: CodeInvalidArgument},
		{entry: types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`not json`)}, code: CodeMalformedDetail},
		{entry: types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{}`), EventBusName: aws.String("orders")}, bus: "orders"},
		{entry: types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{}`), EventBusName: aws.String(BusARN("orders"))}, bus: "orders"},
		{entry: types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{}`), EventBusName: aws.String("nope")}, code: CodeNotFound},
		{entry: types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{"a":"` + strings.Repeat("x", MaxEntrySize) + `"}`)}, code: CodeInvalidArgument},
		{entry: types.PutEventsRequestEntry{Source: aws.String("fail.me"), DetailType: aws.String("t"), Detail: aws.String(`{}`)}, code: CodeInternalFailure},
	}
	in := &eventbridge.PutEventsInput{}
	for _, c := range cases {
		in.Entries = append(in.Entries, c.entry)
	}
	out, err := client.PutEvents(context.Background(), in)
	if err != nil {
		t.Fatalf("PutEvents: %v", err)
	}
	if len(out.Entries) != len(cases) {
		t.Fatalf("%d result entries, want %d", len(out.Entries), len(cases))
	}
	failed := 0
	for i, c := range cases {
		r := out.Entries[i]
		if c.code != "" {
			failed++
			if aws.ToString(r.ErrorCode) != c.code || aws.ToString(r.ErrorMessage) == "" || r.EventId != nil {
				t.Errorf("entry %d: %+v, want ErrorCode %s with a message", i, r, c.code)
			}
			continue
		}
		if r.ErrorCode != nil || aws.ToString(r.EventId) == "" {
			t.Errorf("entry %d: %+v, want an EventId", i, r)
		}
	}
	if int(out.FailedEntryCount) != failed {
		t.Errorf("FailedEntryCount %d, want %d", out.FailedEntryCount, failed)
	}
	if n, m := len(s.get("default")), len(s.get("orders")); n != 1 || m != 2 {
		t.Fatalf("published default %d, orders %d; want 1 and 2", n, m)
	}
	var ev map[string]any
	if err := json.Unmarshal(s.get("default")[0], &ev); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"version": "0", "id": aws.ToString(out.Entries[0].EventId), "detail-type": "Order Created", "source": "my.app",
		"account": "000000000000", "time": "2026-03-04T05:06:07Z", "region": "us-east-1", "resources": []any{"r1"}, "detail": map[string]any{"id": 1.0}}
	if fmt.Sprint(ev) != fmt.Sprint(want) {
		t.Errorf("envelope %v\nwant     %v", ev, want)
	}
}

func TestPutEventsRequestErrorsThroughSDK(t *testing.T) {
	client := newClient(t, &store{})
	entry := types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{}`)}
	big := types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{"a":"` + strings.Repeat("x", 200*1024) + `"}`)}
	for _, c := range []struct {
		name    string
		entries []types.PutEventsRequestEntry
	}{
		{"11 entries", repeat(entry, 11)},
		{"over 1 MB", repeat(big, 6)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := client.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: c.entries})
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != errValidation || api.ErrorMessage() == "" {
				t.Fatalf("err = %v, want a %s with a message", err, errValidation)
			}
		})
	}
}

func repeat(e types.PutEventsRequestEntry, n int) []types.PutEventsRequestEntry {
	out := make([]types.PutEventsRequestEntry, n)
	for i := range out {
		out[i] = e
	}
	return out
}

type rawCase struct {
	name   string
	method string
	target string
	body   string
	status int
	typ    string // __type, "" for a 200
}

func TestHandlerRaw(t *testing.T) {
	srv := httptest.NewServer(NewHandler(&store{}, nil))
	defer srv.Close()
	for _, c := range []rawCase{
		{"ok default bus only", "POST", TargetPutEvents, `{"Entries":[{"Source":"s","DetailType":"t","Detail":"{}","Time":1767323045}]}`, 200, ""},
		{"GET", "GET", TargetPutEvents, ``, 405, errUnknownOperation},
		{"other operation", "POST", "AWSEvents.PutRule", `{}`, 400, errUnknownOperation},
		{"no target", "POST", "", `{}`, 400, errUnknownOperation},
		{"not JSON", "POST", TargetPutEvents, `{`, 400, errSerialization},
		{"entries not a list", "POST", TargetPutEvents, `{"Entries":{}}`, 400, errSerialization},
		{"no entries", "POST", TargetPutEvents, `{"Entries":[]}`, 400, errValidation},
		{"missing entries", "POST", TargetPutEvents, `{}`, 400, errValidation},
		{"body too large", "POST", TargetPutEvents, `{"Entries":[{"Detail":"` + strings.Repeat("x", maxBody) + `"}]}`, 413, errValidation},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, srv.URL+"/", strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", ContentType)
			if c.target != "" {
				req.Header.Set(HeaderTarget, c.target)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Type             string `json:"__type"`
				Message          string `json:"message"`
				FailedEntryCount *int
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("response body: %v", err)
			}
			if resp.StatusCode != c.status || body.Type != c.typ || resp.Header.Get("Content-Type") != ContentType || resp.Header.Get(HeaderRequestID) == "" {
				t.Errorf("status %d __type %q (%s); want %d %q", resp.StatusCode, body.Type, body.Message, c.status, c.typ)
			}
			if c.typ != "" && (resp.Header.Get(HeaderErrorType) != c.typ || body.Message == "") {
				t.Errorf("error header %q, message %q", resp.Header.Get(HeaderErrorType), body.Message)
			}
			if c.typ == "" && (body.FailedEntryCount == nil || *body.FailedEntryCount != 0) {
				t.Errorf("FailedEntryCount %v, want 0", body.FailedEntryCount)
			}
		})
	}
}

// FuzzHandler posts fuzzed bodies: the answer is always an AWS JSON body,
// 200 with one result per entry or a 4xx error.
func FuzzHandler(f *testing.F) {
	f.Add(`{"Entries":[{"Source":"s","DetailType":"t","Detail":"{}"}]}`)
	f.Add(`{"Entries":[{"Source":"s","DetailType":"t","Detail":"{\"a\":[1,{}]}","EventBusName":"orders","Time":"2026-01-01T00:00:00Z","Resources":["r"]},{}]}`)
	f.Add(`{"Entries":[{"Time":1e400}]}`)
	f.Add(`{"Entries":null}`)
	f.Add(`[]`)
	h := NewHandler(&store{}, knownBuses)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set(HeaderTarget, TargetPutEvents)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out struct {
			Type             string `json:"__type"`
			Entries          []resultEntry
			FailedEntryCount int
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("response is not JSON: %v: %q", err, rec.Body.String())
		}
		switch {
		case rec.Code == 200:
			var in putEventsInput
			if json.Unmarshal([]byte(body), &in) != nil || len(in.Entries) != len(out.Entries) {
				t.Fatalf("200 with %d results for body %q", len(out.Entries), body)
			}
			failed := 0
			for _, e := range out.Entries {
				if (e.ErrorCode == "") == (e.EventID == "") {
					t.Fatalf("result %+v has neither or both of EventId and ErrorCode", e)
				}
				if e.ErrorCode != "" {
					failed++
				}
			}
			if failed != out.FailedEntryCount {
				t.Fatalf("FailedEntryCount %d, counted %d", out.FailedEntryCount, failed)
			}
		case rec.Code >= 400 && rec.Code < 500 && out.Type != "":
		default:
			t.Fatalf("status %d, __type %q", rec.Code, out.Type)
		}
	})
}
