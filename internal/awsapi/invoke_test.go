package awsapi

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/stack"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	sandbox.Init()
	goleak.VerifyTestMain(m)
}

// newServer runs the Lambda API over a real function service with the
// given Node.js handlers.
func newServer(t *testing.T, handlers map[string]string) *httptest.Server {
	return newServerQueue(t, handlers, nil)
}

func newServerQueue(t *testing.T, handlers map[string]string, q Enqueuer) *httptest.Server {
	t.Helper()
	svc := newFunctions(t, handlers)
	srv := httptest.NewServer(New(Options{Identities: testIdentities}, Lambda(svc, q, testTriggers)))
	t.Cleanup(srv.Close)
	return srv
}

// newFunctions is a real function service running the given Node.js
// handlers (a name starting with "single" reserves a concurrency of 1),
// with the test identities' credentials.
func newFunctions(t *testing.T, handlers map[string]string) *functions.Service {
	t.Helper()
	dir := t.TempDir()
	svc, err := functions.New(functions.Options{DataDir: filepath.Join(dir, "data"), Identities: testIdentities})
	if err != nil {
		t.Fatal(err)
	}
	plan := &stack.Plan{Dir: dir, Functions: map[string]*stack.Function{}}
	for name, code := range handlers {
		entry := filepath.Join(dir, name, "index.js")
		os.MkdirAll(filepath.Dir(entry), 0o755)
		if err := os.WriteFile(entry, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		plan.Functions[name] = &stack.Function{Name: name, MemoryMB: 128, TimeoutSeconds: 3,
			Package: stack.Package{Type: stack.PackagingBuildpack, EntryFile: entry}}
		if strings.HasPrefix(name, "single") { // reserved concurrency 1
			one := 1
			plan.Functions[name].ReservedConcurrency = &one
		}
	}
	t.Cleanup(func() { svc.Close() })
	if err := svc.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	return svc
}

// newClient is the AWS SDK for Go v2's Lambda client pointed at srv, with
// the admin credentials (any access key id, the token as the secret).
func newClient(srv *httptest.Server) *lambda.Client {
	return newClientAs(srv, identity.Credentials{AccessKeyID: "AKID", SecretAccessKey: testToken})
}

// newClientAs is the Lambda client signing with c.
func newClientAs(srv *httptest.Server, c identity.Credentials) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		HTTPClient:   srv.Client(),
	})
}

// TestSDKInvoke: the AWS SDK's Lambda client works unchanged: results,
// function errors, log tails, dry runs, qualifiers and Lambda's exceptions.
func TestSDKInvoke(t *testing.T) {
	srv := newServer(t, map[string]string{
		"echo":   `exports.handler = async (e) => { console.log("got", JSON.stringify(e)); return {echo: e}; }`,
		"fail":   `exports.handler = async () => { throw new RangeError("out of range") }`,
		"single": `exports.handler = async () => { await new Promise((r) => setTimeout(r, 1000)); return 1; }`,
	})
	c := newClient(srv)
	ctx := context.Background()

	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`{"a":1}`), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Payload) != `{"echo":{"a":1}}` || out.StatusCode != 200 || out.FunctionError != nil || aws.ToString(out.ExecutedVersion) != "$LATEST" {
		t.Errorf("echo: %d %s error %v version %v", out.StatusCode, out.Payload, out.FunctionError, aws.ToString(out.ExecutedVersion))
	}
	tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if !strings.Contains(string(tail), `got {"a":1}`) || !strings.Contains(string(tail), "REPORT RequestId:") {
		t.Errorf("log tail:\n%s", tail)
	}

	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:fail")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.FunctionError) != "Unhandled" || !strings.Contains(string(out.Payload), `"errorType":"RangeError"`) {
		t.Errorf("fail: error %v payload %s", aws.ToString(out.FunctionError), out.Payload)
	}

	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), InvocationType: types.InvocationTypeDryRun, Qualifier: aws.String("1")})
	if err != nil || out.StatusCode != 204 {
		t.Errorf("dry run: %v %+v", err, out)
	}

	// Two at once against a reserved concurrency of 1: one is throttled.
	errc := make(chan error, 2)
	for range 2 {
		go func() {
			// The SDK retries throttles by default; see the first answer.
			_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("single")},
				func(o *lambda.Options) { o.Retryer = aws.NopRetryer{} })
			errc <- err
		}()
	}
	var throttled int
	for range 2 {
		var e *types.TooManyRequestsException
		if err := <-errc; errors.As(err, &e) {
			throttled++
			if e.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
				t.Errorf("throttle reason %q", e.Reason)
			}
		} else if err != nil {
			t.Errorf("single: %v", err)
		}
	}
	if throttled != 1 {
		t.Errorf("%d of 2 concurrent invocations throttled, want 1", throttled)
	}

	type tc struct {
		name  string
		in    lambda.InvokeInput
		check func(error) bool
	}
	for _, c2 := range []tc{
		{"missing", lambda.InvokeInput{FunctionName: aws.String("nope")}, func(err error) bool {
			var e *types.ResourceNotFoundException
			return errors.As(err, &e)
		}},
		{"bad json", lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`{`)}, func(err error) bool {
			var e *types.InvalidRequestContentException
			return errors.As(err, &e)
		}},
		{"too large", lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`"` + strings.Repeat("x", functions.MaxPayload) + `"`)}, func(err error) bool {
			var e *types.RequestTooLargeException
			return errors.As(err, &e)
		}},
	} {
		_, err := c.Invoke(ctx, &c2.in)
		if !c2.check(err) {
			t.Errorf("%s: got %v (%T)", c2.name, err, errors.Unwrap(err))
		}
	}
}

// FuzzFunctionName: any FunctionName parses without panicking, and a
// parsed name is a valid bare name.
func FuzzFunctionName(f *testing.F) {
	for _, s := range []string{"fn", "fn:1", "fn:$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:fn:2", "123456789012:function:fn", "a:b:c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, q, err := parseFunctionName(s)
		if err != nil {
			return
		}
		if name == "" || strings.ContainsAny(name, ":/") || strings.Contains(q, ":") {
			t.Errorf("%q parsed to %q %q", s, name, q)
		}
	})
}

func TestParseFunctionName(t *testing.T) {
	type tc struct{ in, name, qualifier string }
	for _, c := range []tc{
		{"fn", "fn", ""},
		{"my-fn_2", "my-fn_2", ""},
		{"fn:7", "fn", "7"},
		{"fn:$LATEST", "fn", "$LATEST"},
		{"arn:aws:lambda:us-east-1:000000000000:function:fn", "fn", ""},
		{"arn:aws:lambda:eu-west-1:123456789012:function:fn:3", "fn", "3"},
		{"123456789012:function:fn", "fn", ""},
	} {
		name, q, err := parseFunctionName(c.in)
		if err != nil || name != c.name || q != c.qualifier {
			t.Errorf("%q: %q %q %v, want %q %q", c.in, name, q, err, c.name, c.qualifier)
		}
	}
	for _, bad := range []string{"", "a b", "arn:aws:s3:::bucket", "fn:1:2", "fn/x"} {
		if _, _, err := parseFunctionName(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// recorder is the queue behind the API in TestAsyncInvoke: it records what
// was accepted. The queue itself, and asynchronous invocations end to end
// with real functions, are tested in internal/functions/async and
// internal/cli.
type recorder struct {
	mu     sync.Mutex
	events map[string][]string
}

func (r *recorder) Enqueue(_ context.Context, fn string, payload []byte) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events[fn] = append(r.events[fn], string(payload))
	return "req-" + fn, nil
}

// TestAsyncInvoke: InvocationType Event through the SDK answers 202 with
// the request id once the event is queued; the function and payload are
// checked first, as Lambda does.
func TestAsyncInvoke(t *testing.T) {
	q := &recorder{events: map[string][]string{}}
	c := newClient(newServerQueue(t, map[string]string{"echo": `exports.handler = async (e) => e;`}, q))
	ctx := context.Background()
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"a":1}`)})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("Event invocation: %v, %+v", err, out)
	}
	if got := q.events["echo"]; len(got) != 1 || got[0] != `{"a":1}` {
		t.Errorf("queued %v", got)
	}
	for _, c2 := range []struct {
		name string
		in   *lambda.InvokeInput
		want string
	}{
		{"unknown function", &lambda.InvokeInput{FunctionName: aws.String("nope")}, "ResourceNotFoundException"},
		{"invalid JSON", &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte("{")}, "InvalidRequestContentException"},
		{"over 1 MB", &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`"` + strings.Repeat("x", 1<<20) + `"`)}, "RequestTooLargeException"},
	} {
		c2.in.InvocationType = types.InvocationTypeEvent
		if _, err := c.Invoke(ctx, c2.in); err == nil || !strings.Contains(err.Error(), c2.want) {
			t.Errorf("%s: %v, want %s", c2.name, err, c2.want)
		}
	}
	if n := len(q.events["echo"]) + len(q.events["nope"]); n != 1 {
		t.Errorf("%d events queued; the refused ones must not be", n)
	}
}
