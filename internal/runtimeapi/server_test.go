package runtimeapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNextHeaders(t *testing.T) {
	deadline := time.UnixMilli(1_800_000_000_123)
	tests := []struct {
		name string
		inv  Invocation
		want map[string]string // "" means the header must be absent
	}{
		{"all", Invocation{RequestID: "r1", Payload: []byte(`{"a":1}`), Deadline: deadline, FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f",
			TraceID: "Root=1-5e1b4151-5ac6c58f5d3e5b6d6c7e8f90;Parent=1;Sampled=1", ClientContext: `{"custom":{"k":"v"}}`, CognitoIdentity: `{"cognitoIdentityId":"id"}`},
			map[string]string{HeaderRequestID: "r1", HeaderDeadlineMs: "1800000000123", HeaderFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f",
				HeaderTraceID: "Root=1-5e1b4151-5ac6c58f5d3e5b6d6c7e8f90;Parent=1;Sampled=1", HeaderClientContext: `{"custom":{"k":"v"}}`,
				HeaderCognitoIdentity: `{"cognitoIdentityId":"id"}`, "Content-Type": "application/json"}},
		{"minimal", Invocation{RequestID: "r2", Payload: []byte(`{}`)},
			map[string]string{HeaderRequestID: "r2", HeaderDeadlineMs: "", HeaderFunctionARN: "", HeaderTraceID: "", HeaderClientContext: "", HeaderCognitoIdentity: ""}},
		{"empty payload", Invocation{RequestID: "r3"}, map[string]string{HeaderRequestID: "r3", "Content-Length": "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t)
			rt := newRuntime(t, s)
			ch := invokeAsync(testContext(t), s, &tt.inv)
			got := rt.next()
			if got.status != http.StatusOK || !bytes.Equal(got.body, tt.inv.Payload) {
				t.Fatalf("next = %d %q, want 200 %q", got.status, got.body, tt.inv.Payload)
			}
			for k, v := range tt.want {
				if _, present := got.header[http.CanonicalHeaderKey(k)]; v == "" && present {
					t.Errorf("header %s = %q, want it absent", k, got.header.Get(k))
				} else if v != "" && got.header.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, got.header.Get(k), v)
				}
			}
			rt.post("/runtime/invocation/"+tt.inv.RequestID+"/response", []byte("null"), nil)
			if r := await(t, ch); r.err != nil {
				t.Fatal(r.err)
			}
		})
	}
}

func TestResults(t *testing.T) {
	big := bytes.Repeat([]byte("x"), MaxResponseSize)
	tests := []struct {
		name       string
		suffix     string // "response" or "error"
		body       []byte
		header     map[string]string
		wantStatus int
		wantReply  string // errorType of the reply, or "" for {"status":"OK"}
		want       Outcome
		wantInBody string // for refused responses, in the Outcome's payload
	}{
		{"response", "response", []byte(`{"ok":true}`), nil, 202, "",
			Outcome{Payload: []byte(`{"ok":true}`), ContentType: "application/json"}, ""},
		{"response content type kept", "response", []byte("hi"), map[string]string{"Content-Type": "text/plain"}, 202, "",
			Outcome{Payload: []byte("hi"), ContentType: "text/plain"}, ""},
		{"response at the limit", "response", big, nil, 202, "",
			Outcome{Payload: big, ContentType: "application/json"}, ""},
		{"response over the limit", "response", append(big, 'x'), nil, 413, ErrTypeRequestEntityTooLarge,
			Outcome{Error: true, ErrorType: ErrTypeResponseSizeTooLarge, ContentType: "application/json"},
			`{"errorMessage":"Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`},
		{"bad response mode", "response", []byte("x"), map[string]string{HeaderResponseMode: "chunky"}, 400, ErrTypeInvalidResponseMode,
			Outcome{Error: true, ErrorType: ErrTypeInvalidResponseModeHeader, Payload: []byte{}}, ""},
		{"error with type header", "error", []byte(`{"errorMessage":"boom","errorType":"Error"}`), map[string]string{HeaderErrorType: "Runtime.HandlerNotFound"}, 202, "",
			Outcome{Error: true, ErrorType: "Runtime.HandlerNotFound", Payload: []byte(`{"errorMessage":"boom","errorType":"Error"}`), ContentType: "application/json"}, ""},
		{"error type from body", "error", []byte(`{"errorMessage":"boom","errorType":"TypeError","stackTrace":[]}`), nil, 202, "",
			Outcome{Error: true, ErrorType: "TypeError", Payload: []byte(`{"errorMessage":"boom","errorType":"TypeError","stackTrace":[]}`), ContentType: "application/json"}, ""},
		{"error without type", "error", []byte("not json"), map[string]string{"Content-Type": "text/plain"}, 202, "",
			Outcome{Error: true, ErrorType: ErrTypeRuntimeUnknown, Payload: []byte("not json"), ContentType: "text/plain"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t)
			rt := newRuntime(t, s)
			ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "req-1", Payload: []byte("{}")})
			rt.next()
			got := rt.post("/runtime/invocation/req-1/"+tt.suffix, tt.body, tt.header)
			if got.status != tt.wantStatus || got.errorType() != tt.wantReply {
				t.Errorf("reply = %d %s, want %d %q", got.status, got.body, tt.wantStatus, tt.wantReply)
			}
			if tt.wantReply == "" && string(got.body) != `{"status":"OK"}` {
				t.Errorf("reply body = %s, want {\"status\":\"OK\"}", got.body)
			}
			r := await(t, ch)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if tt.wantInBody != "" {
				tt.want.Payload = []byte(tt.wantInBody)
			}
			checkOutcome(t, r.out, &tt.want)
			// The invocation is over: the runtime may poll again.
			ch2 := invokeAsync(testContext(t), s, &Invocation{RequestID: "req-2"})
			if n := rt.next(); n.header.Get(HeaderRequestID) != "req-2" {
				t.Fatalf("second next = %d %s", n.status, n.body)
			}
			rt.post("/runtime/invocation/req-2/response", nil, nil)
			await(t, ch2)
		})
	}
}

func checkOutcome(t *testing.T, got, want *Outcome) {
	t.Helper()
	if got.Error != want.Error || got.ErrorType != want.ErrorType || got.ContentType != want.ContentType || !bytes.Equal(got.Payload, want.Payload) {
		short := func(b []byte) string {
			if len(b) > 200 {
				return fmt.Sprintf("%.200s… (%d bytes)", b, len(b))
			}
			return string(b)
		}
		t.Errorf("outcome = {Error:%v Type:%q CT:%q Payload:%s}\nwant      {Error:%v Type:%q CT:%q Payload:%s}",
			got.Error, got.ErrorType, got.ContentType, short(got.Payload), want.Error, want.ErrorType, want.ContentType, short(want.Payload))
	}
}

func TestStateErrors(t *testing.T) {
	s := startServer(t)
	rt := newRuntime(t, s)
	check := func(step string, got reply, status int, errType, msg string) {
		t.Helper()
		if got.status != status || got.errorType() != errType || !contains(string(got.body), msg) {
			t.Errorf("%s: reply = %d %s, want %d %s containing %q", step, got.status, got.body, status, errType, msg)
		}
	}
	check("response before any event", rt.post("/runtime/invocation/x/response", nil, nil), 403, ErrTypeInvalidStateTransition,
		"State transition from Started to InvocationResponse failed for runtime. Error: State transition is not allowed")

	ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "good"})
	rt.next()
	check("wrong request id", rt.post("/runtime/invocation/bad/response", nil, nil), 400, ErrTypeInvalidRequestID, "Invalid request ID")
	check("wrong request id (error)", rt.post("/runtime/invocation/bad/error", nil, nil), 400, ErrTypeInvalidRequestID, "Invalid request ID")
	check("next while running", rt.next(), 403, ErrTypeInvalidStateTransition, "from Running to Ready")
	check("init error after init", rt.post("/runtime/init/error", []byte(`{}`), nil), 202, "", "")
	r := await(t, ch)
	var ie *InitError
	if !errors.As(r.err, &ie) {
		t.Fatalf("Invoke after init/error during the invocation = %v, %v; want *InitError", r.out, r.err)
	}
	check("response after init error", rt.post("/runtime/invocation/good/response", nil, nil), 403, ErrTypeInvalidStateTransition, "from InitError")
	check("unknown path", rt.post("/runtime/whatever", nil, nil), 404, ErrTypeNotFound, "")
}

func TestDoubleResponse(t *testing.T) {
	s := startServer(t)
	rt := newRuntime(t, s)
	ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "once"})
	rt.next()
	if got := rt.post("/runtime/invocation/once/response", []byte("1"), nil); got.status != 202 {
		t.Fatalf("first response = %d", got.status)
	}
	if got := rt.post("/runtime/invocation/once/response", []byte("2"), nil); got.status != 403 || got.errorType() != ErrTypeInvalidStateTransition {
		t.Errorf("second response = %d %s, want 403 InvalidStateTransition", got.status, got.body)
	}
	if r := await(t, ch); string(r.out.Payload) != "1" {
		t.Errorf("payload = %q, want the first response", r.out.Payload)
	}
}

func TestInitError(t *testing.T) {
	tests := []struct {
		name     string
		header   map[string]string
		body     string
		wantType string
		wantMsg  string
	}{
		{"header", map[string]string{HeaderErrorType: "Runtime.ImportModuleError"}, `{"errorMessage":"Unable to import module 'app'","errorType":"Runtime.ImportModuleError"}`,
			"Runtime.ImportModuleError", "Unable to import module 'app'"},
		{"body only", nil, `{"errorMessage":"x","errorType":"SyntaxError"}`, "SyntaxError", "x"},
		{"nothing", nil, `oops`, ErrTypeRuntimeUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t)
			rt := newRuntime(t, s)
			if got := rt.post("/runtime/init/error", []byte(tt.body), tt.header); got.status != 202 || string(got.body) != `{"status":"OK"}` {
				t.Fatalf("init/error = %d %s", got.status, got.body)
			}
			err := s.WaitInit(testContext(t))
			var ie *InitError
			if !errors.As(err, &ie) || ie.ErrorType != tt.wantType || string(ie.Payload) != tt.body || !strings.Contains(ie.Error(), tt.wantMsg) {
				t.Fatalf("WaitInit = %v, want *InitError %s", err, tt.wantType)
			}
			if _, err := s.Invoke(testContext(t), &Invocation{RequestID: "r"}); !errors.As(err, &ie) {
				t.Errorf("Invoke after init error = %v, want the *InitError", err)
			}
			if got := rt.post("/runtime/init/error", []byte(tt.body), tt.header); got.status != 403 {
				t.Errorf("second init/error = %d, want 403", got.status)
			}
		})
	}
}

func TestWaitInit(t *testing.T) {
	s := startServer(t)
	rt := newRuntime(t, s)
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.WaitInit(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitInit before any /next = %v, want DeadlineExceeded", err)
	}
	ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "a"})
	rt.next()
	if err := s.WaitInit(testContext(t)); err != nil {
		t.Fatalf("WaitInit after /next = %v", err)
	}
	rt.post("/runtime/invocation/a/response", nil, nil)
	await(t, ch)
}

func TestBusy(t *testing.T) {
	s := startServer(t)
	rt := newRuntime(t, s)
	ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "a"})
	rt.next() // the first Invoke is now surely in progress
	if _, err := s.Invoke(testContext(t), &Invocation{RequestID: "b"}); !errors.Is(err, ErrBusy) {
		t.Errorf("concurrent Invoke = %v, want ErrBusy", err)
	}
	rt.post("/runtime/invocation/a/response", nil, nil)
	await(t, ch)
}

func TestRequestSize(t *testing.T) {
	s := startServer(t)
	rt := newRuntime(t, s)
	at := bytes.Repeat([]byte("y"), MaxRequestSize)
	ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "a", Payload: at})
	if got := rt.next(); len(got.body) != MaxRequestSize || got.header.Get("Content-Length") != strconv.Itoa(MaxRequestSize) {
		t.Fatalf("next delivered %d bytes, want %d", len(got.body), MaxRequestSize)
	}
	rt.post("/runtime/invocation/a/response", nil, nil)
	await(t, ch)
	if _, err := s.Invoke(testContext(t), &Invocation{RequestID: "b", Payload: append(at, 'y')}); !errors.Is(err, ErrRequestTooLarge) {
		t.Errorf("Invoke over the limit = %v, want ErrRequestTooLarge", err)
	}
}

func TestInvokeTimeout(t *testing.T) {
	s := startServer(t)
	rt := newRuntime(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	ch := invokeAsync(ctx, s, &Invocation{RequestID: "slow"})
	rt.next()
	cancel() // the deadline passes while the function runs
	if r := await(t, ch); !errors.Is(r.err, context.Canceled) {
		t.Errorf("Invoke = %v, want context.Canceled", r.err)
	}
	// A late answer is accepted and goes nowhere.
	if got := rt.post("/runtime/invocation/slow/response", nil, nil); got.status != 202 {
		t.Errorf("late response = %d", got.status)
	}
}

func TestRuntimeDied(t *testing.T) {
	t.Run("next connection closed", func(t *testing.T) {
		s := startServer(t)
		rt := newRuntime(t, s)
		ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "a"})
		rt.next()
		rt.post("/runtime/invocation/a/response", nil, nil)
		await(t, ch)
		// The runtime polls again, then dies: its connection closes.
		ctx, kill := context.WithCancel(context.Background())
		polled := make(chan struct{})
		go func() {
			defer close(polled)
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, rt.base+"/runtime/invocation/next", nil)
			if res, err := rt.client.Do(req); err == nil {
				res.Body.Close()
			}
		}()
		waitState(t, s, stateReady)
		kill()
		<-polled
		select { // the server notices the closed connection on its own
		case <-s.gone:
		case <-time.After(30 * time.Second):
			t.Fatal("the server did not notice the runtime's /next connection closing")
		}
		if _, err := s.Invoke(testContext(t), &Invocation{RequestID: "b"}); !errors.Is(err, ErrRuntimeExited) {
			t.Errorf("Invoke after the runtime died = %v, want ErrRuntimeExited", err)
		}
		if err := s.WaitInit(testContext(t)); err != nil {
			t.Errorf("WaitInit after a successful init = %v", err)
		}
	})
	t.Run("exited while running", func(t *testing.T) {
		s := startServer(t)
		rt := newRuntime(t, s)
		ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "a"})
		rt.next()
		s.Exited(errors.New("exit status 2"))
		r := await(t, ch)
		if !errors.Is(r.err, ErrRuntimeExited) || !strings.Contains(r.err.Error(), "exit status 2") {
			t.Errorf("Invoke = %v, want ErrRuntimeExited with the exit status", r.err)
		}
	})
	t.Run("exited before init", func(t *testing.T) {
		s := startServer(t)
		s.Exited(nil)
		if err := s.WaitInit(testContext(t)); !errors.Is(err, ErrRuntimeExited) {
			t.Errorf("WaitInit = %v, want ErrRuntimeExited", err)
		}
	})
}

// waitState polls until the server's state is want.
func waitState(t *testing.T, s *Server, want string) {
	t.Helper()
	for i := 0; ; i++ {
		s.mu.Lock()
		st := s.state
		s.mu.Unlock()
		if st == want {
			return
		}
		if i > 3000 {
			t.Fatalf("state = %s, want %s", st, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCloseWithPendingNext(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest(http.MethodGet, rt.base+"/runtime/invocation/next", nil)
		if res, err := rt.client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	waitState(t, s, stateReady)
	invoked := invokeAsync(context.Background(), s, &Invocation{RequestID: "never"})
	_ = invoked
	if err := s.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the pending /next did not return after Close")
	}
	if r := await(t, invoked); r.err == nil {
		t.Errorf("Invoke across Close = %v, want an error", r.out)
	}
	if err := s.WaitInit(context.Background()); err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("WaitInit after Close = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestStreaming(t *testing.T) {
	errBody := `{"errorMessage":"mid-stream","errorType":"Error"}`
	tests := []struct {
		name    string
		chunks  []string
		trailer map[string]string
		want    Outcome
	}{
		{"complete", []string{"hello ", "streamed ", "world"}, nil,
			Outcome{Payload: []byte("hello streamed world"), ContentType: "application/vnd.awslambda.http-integration-response"}},
		{"error trailers", []string{"partial"}, map[string]string{HeaderErrorType: "Error", HeaderErrorBody: base64.StdEncoding.EncodeToString([]byte(errBody))},
			Outcome{Error: true, ErrorType: "Error", Payload: []byte(errBody), ContentType: "application/json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t)
			rt := newRuntime(t, s)
			ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "st"})
			rt.next()
			pr, pw := io.Pipe()
			req, _ := http.NewRequest(http.MethodPost, rt.base+"/runtime/invocation/st/response", pr)
			req.Header.Set(HeaderResponseMode, ResponseModeStreaming)
			req.Header.Set("Content-Type", "application/vnd.awslambda.http-integration-response")
			req.Trailer = http.Header{}
			for k := range tt.trailer {
				req.Trailer.Set(k, "")
			}
			go func() {
				for _, c := range tt.chunks {
					_, _ = pw.Write([]byte(c))
				}
				for k, v := range tt.trailer { // trailers are read after the body ends
					req.Trailer.Set(k, v)
				}
				pw.Close()
			}()
			if got := rt.do(req); got.status != 202 {
				t.Fatalf("streamed response = %d %s", got.status, got.body)
			}
			r := await(t, ch)
			if r.err != nil || !r.out.Streamed {
				t.Fatalf("Invoke = %+v, %v; want a streamed outcome", r.out, r.err)
			}
			checkOutcome(t, r.out, &tt.want)
		})
	}
}
