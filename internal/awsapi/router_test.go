package awsapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/verge-edge/verge/internal/identity"
)

// bus records what PutEvents publishes.
type bus struct {
	mu     sync.Mutex
	events []string
}

func (b *bus) Publish(_ context.Context, name string, event []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events = append(b.events, name+" "+string(event))
	return nil
}

// recorder is an Authorizer that records what it is asked and denies
// what deny says to.
type authz struct {
	mu   sync.Mutex
	reqs []Request
	deny func(Request) bool
}

func (a *authz) Authorize(_ context.Context, req Request) error {
	a.mu.Lock()
	a.reqs = append(a.reqs, req)
	a.mu.Unlock()
	if a.deny != nil && a.deny(req) {
		return errors.New(DeniedMessage(req))
	}
	return nil
}

func (a *authz) last() Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reqs[len(a.reqs)-1]
}

// endpoint is a test AWS endpoint: Lambda over real functions, EventBridge
// onto a recorder, and a fallback standing for the admin API.
type endpoint struct {
	srv  *httptest.Server
	bus  *bus
	auth *authz
}

func newEndpoint(t *testing.T) *endpoint {
	t.Helper()
	e := &endpoint{bus: &bus{}, auth: &authz{}}
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "admin API")
	})
	rt := New(Options{Identities: testIdentities, Authorizer: e.auth, Fallback: fallback},
		Lambda(newFunctions(t, handlers), nil, testTriggers), Events(e.bus, nil, nil), CloudFront(&fakeCDN{}))
	e.srv = httptest.NewServer(rt)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *endpoint) events(c identity.Credentials) *eventbridge.Client {
	return eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		HTTPClient:  e.srv.Client(), RetryMaxAttempts: 1})
}

func (e *endpoint) lambda(c identity.Credentials) *lambda.Client {
	return lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		HTTPClient:  e.srv.Client(), RetryMaxAttempts: 1})
}

// TestRouterSDK: both services through one endpoint, as the admin and as a
// function; the identity reaches the Authorizer with the operation's IAM
// action and resources; refused credentials get the errors the SDKs read.
func TestRouterSDK(t *testing.T) {
	e := newEndpoint(t)
	ctx := context.Background()
	fn := testIdentities.Function("echo")
	admin := testIdentities.Admin()

	for _, c := range []struct {
		creds identity.Credentials
		who   identity.Identity
	}{{admin, identity.Admin}, {fn, identity.Identity{Function: "echo"}}} {
		out, err := e.events(c.creds).PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
			{Source: aws.String("app"), DetailType: aws.String("t"), Detail: aws.String(`{"a":1}`), EventBusName: aws.String("orders")},
			{Source: aws.String("app"), DetailType: aws.String("t"), Detail: aws.String(`{"a":2}`)},
		}})
		if err != nil || out.FailedEntryCount != 1 { // "orders" does not exist on this endpoint
			t.Errorf("PutEvents as %v: %v %+v", c.who, err, out)
		}
		req := e.auth.last()
		if req.Identity != c.who || req.Action != "events:PutEvents" || strings.Join(req.Resources, " ") != "arn:aws:events:us-east-1:000000000000:event-bus/orders arn:aws:events:us-east-1:000000000000:event-bus/default" {
			t.Errorf("authorizer asked %+v", req)
		}
		if _, err := e.lambda(c.creds).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("fail:1")}); err != nil {
			t.Errorf("GetFunction as %v: %v", c.who, err)
		}
		req = e.auth.last()
		if req.Identity != c.who || req.Action != "lambda:GetFunction" || req.Service != "lambda" || req.Operation != "GetFunction" ||
			len(req.Resources) != 1 || req.Resources[0] != "arn:aws:lambda:us-east-1:000000000000:function:fail:1" {
			t.Errorf("authorizer asked %+v", req)
		}
	}
	if len(e.bus.events) != 2 || !strings.HasPrefix(e.bus.events[0], "default ") {
		t.Errorf("published %v", e.bus.events)
	}

	// Denied: AccessDeniedException, with the Authorizer's words.
	e.auth.deny = func(r Request) bool { return !r.Identity.IsAdmin() && r.Operation != "ListFunctions" }
	_, err := e.lambda(fn).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("fail")})
	if errorCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "assumed-role/echo-role/echo is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:fail") {
		t.Errorf("denied GetFunction: %v", err)
	}
	_, err = e.events(fn).PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{Source: aws.String("a"), DetailType: aws.String("b"), Detail: aws.String("{}")}}})
	if errorCode(err) != "AccessDeniedException" {
		t.Errorf("denied PutEvents: %v", err)
	}
	if _, err := e.lambda(fn).ListFunctions(ctx, &lambda.ListFunctionsInput{}); err != nil {
		t.Errorf("allowed ListFunctions: %v", err)
	}
	if _, err := e.lambda(admin).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("fail")}); err != nil {
		t.Errorf("admin GetFunction: %v", err)
	}
	e.auth.deny = nil

	// Refused credentials.
	wrongToken := fn
	wrongToken.SessionToken = "other"
	noToken := fn
	noToken.SessionToken = ""
	wrongSecret := fn
	wrongSecret.SecretAccessKey = strings.Repeat("x", 40)
	for _, c := range []struct {
		name  string
		creds identity.Credentials
		code  string
	}{
		{"admin, wrong secret", identity.Credentials{AccessKeyID: identity.AdminAccessKeyID, SecretAccessKey: "wrong"}, "InvalidSignatureException"},
		{"any key id, wrong secret", identity.Credentials{AccessKeyID: "AKID", SecretAccessKey: "wrong"}, "InvalidSignatureException"},
		{"function, wrong secret", wrongSecret, "InvalidSignatureException"},
		{"unknown key", identity.Credentials{AccessKeyID: "ASIAUNKNOWN000000000", SecretAccessKey: "x", SessionToken: "y"}, "UnrecognizedClientException"},
		{"function, wrong session token", wrongToken, "UnrecognizedClientException"},
		{"function, no session token", noToken, "UnrecognizedClientException"},
	} {
		_, err := e.lambda(c.creds).ListFunctions(ctx, &lambda.ListFunctionsInput{})
		if errorCode(err) != c.code {
			t.Errorf("%s, Lambda: %v, want %s", c.name, err, c.code)
		}
		_, err = e.events(c.creds).PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{Source: aws.String("a"), DetailType: aws.String("b"), Detail: aws.String("{}")}}})
		if errorCode(err) != c.code {
			t.Errorf("%s, EventBridge: %v, want %s", c.name, err, c.code)
		}
	}

	// Operations not served: UnknownOperationException, naming them.
	_, err = e.events(admin).ListArchives(ctx, &eventbridge.ListArchivesInput{})
	if errorCode(err) != "UnknownOperationException" || !strings.Contains(err.Error(), "events operation ListArchives") {
		t.Errorf("ListArchives: %v", err)
	}
}

// sign signs r for service with c at now, over body.
func sign(t *testing.T, r *http.Request, c identity.Credentials, service, body string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
}

// TestRouterHTTP: what is not an SDK call of a served operation: presigned
// URLs, bearer tokens, services Verge does not serve (in their protocol's
// shape), and requests for the admin API.
func TestRouterHTTP(t *testing.T) {
	e := newEndpoint(t)
	fn := testIdentities.Function("echo")
	admin := testIdentities.Admin()
	presign := func(c identity.Credentials, path string) string {
		r, _ := http.NewRequest("GET", e.srv.URL+path+"?X-Amz-Expires=60", nil)
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
			r, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "lambda", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	signed := func(method, path, service, body string, c identity.Credentials, hdr ...string) *http.Request {
		r, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		sign(t, r, c, service, body)
		return r
	}
	plain := func(method, path, body string, hdr ...string) *http.Request {
		r, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r
	}
	get := func(u string) *http.Request { r, _ := http.NewRequest("GET", u, nil); return r }
	tampered := strings.Replace(presign(fn, "/2015-03-31/functions/echo"), "echo", "fail", 1)

	for _, c := range []struct {
		name   string
		req    *http.Request
		status int
		want   []string // in the error type header or the body
	}{
		{"presigned, function", get(presign(fn, "/2015-03-31/functions/echo")), 200, []string{`"State":"Active"`}},
		{"presigned, admin", get(presign(admin, "/2015-03-31/functions/")), 200, []string{`"FunctionName":"quiet"`}},
		{"presigned, changed path", get(tampered), 403, []string{"InvalidSignatureException"}},
		{"bearer", plain("GET", "/2015-03-31/functions/echo", "", "Authorization", "Bearer "+testToken), 200, []string{`"FunctionName":"echo"`}},
		{"wrong bearer", plain("GET", "/2015-03-31/functions/echo", "", "Authorization", "Bearer nope"), 403, []string{"UnrecognizedClientException"}},
		{"no credentials, Lambda", plain("GET", "/2015-03-31/functions/echo", ""), 403, []string{"UnrecognizedClientException", "Missing Authentication Token"}},
		{"no credentials, EventBridge", plain("POST", "/", "{}", "X-Amz-Target", "AWSEvents.PutEvents"), 400, []string{`"__type":"UnrecognizedClientException"`}},
		{"bearer, unknown target", plain("POST", "/", "{}", "X-Amz-Target", "AWSEvents.PutRule", "Authorization", "Bearer "+testToken), 400, []string{`"__type":"UnknownOperationException"`, "events operation PutRule"}},
		{"malformed signature", plain("GET", "/2015-03-31/functions/echo", "", "Authorization", "AWS4-HMAC-SHA256 Credential=x"), 403, []string{"InvalidSignatureException"}},
		{"SNS (query)", signed("POST", "/", "sns", "Action=Publish&Version=2010-03-31", fn, "Content-Type", "application/x-www-form-urlencoded"), 400,
			[]string{"<Code>InvalidAction</Code>", "<Type>Sender</Type>", "sns API (operation Publish)", "<RequestId>"}},
		{"SQS (JSON 1.0)", signed("POST", "/", "sqs", "{}", fn, "X-Amz-Target", "AmazonSQS.SendMessage", "Content-Type", "application/x-amz-json-1.0"), 400,
			[]string{`"__type":"UnknownOperationException"`, "sqs API (operation SendMessage)"}},
		{"SQS (query)", signed("POST", "/", "sqs", "Action=SendMessage", fn, "Content-Type", "application/x-www-form-urlencoded"), 400, []string{"<Code>InvalidAction</Code>"}},
		{"S3", signed("GET", "/bucket/key", "s3", "", fn), 400, []string{"<Error><Code>NotImplemented</Code>", "s3 API"}},
		{"S3, wrong secret", signed("GET", "/bucket/key", "s3", "", identity.Credentials{AccessKeyID: "AKID", SecretAccessKey: "no"}), 403, []string{"<Code>SignatureDoesNotMatch</Code>"}},
		{"CloudFront, an operation not served", signed("GET", "/2020-05-31/cache-policy", "cloudfront", "", admin), 400, []string{"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>", "cloudfront operation GET /2020-05-31/cache-policy"}},
		{"Lambda, unknown path", signed("GET", "/2015-03-31/nothing", "lambda", "", admin), 400, []string{"UnknownOperationException", "lambda operation GET /2015-03-31/nothing"}},
		{"Lambda, wrong method", signed("PATCH", "/2015-03-31/functions/echo", "lambda", "", admin), 400, []string{"UnknownOperationException", "PATCH"}},
		{"admin API", plain("GET", "/cache/stats", "", "Authorization", "Bearer "+testToken), 418, []string{"admin API"}},
		{"admin API, signed for no AWS service", signed("GET", "/cache/stats", "verge", "", admin), 418, []string{"admin API"}},
	} {
		resp, err := e.srv.Client().Do(c.req)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got := resp.Header.Get(HeaderErrorType) + " " + string(b)
		for _, w := range c.want {
			if resp.StatusCode != c.status || !strings.Contains(got, w) {
				t.Errorf("%s: %d %s; want %d …%s…", c.name, resp.StatusCode, got, c.status, w)
				break
			}
		}
		if c.status != 418 && resp.Header.Get(HeaderRequestID) == "" {
			t.Errorf("%s: no request id", c.name)
		}
	}
}

// TestErrorShapes: one catalog entry in each protocol's shape.
func TestErrorShapes(t *testing.T) {
	for _, c := range []struct {
		p      Protocol
		e      Error
		status int
		ctype  string
		header string // X-Amzn-ErrorType
		body   string
	}{
		{JSON11, ErrAccessDenied, 400, contentJSON11, "AccessDeniedException", `{"__type":"AccessDeniedException","message":"m"}`},
		{JSON10, ErrUnknownOperation, 400, contentJSON10, "UnknownOperationException", `{"__type":"UnknownOperationException","message":"m"}`},
		{JSON11, ErrInternal, 500, contentJSON11, "InternalFailure", `{"__type":"InternalFailure","message":"m"}`},
		{RESTJSON, errNotFound, 404, contentJSON, "ResourceNotFoundException", `{"Type":"User","message":"m"}`},
		{RESTJSON, errService, 500, contentJSON, "ServiceException", `{"Type":"Service","message":"m"}`},
		{Query, ErrAccessDenied, 403, contentXML, "", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>m</Message></Error><RequestId>rid</RequestId></ErrorResponse>`},
		{RESTXML, ErrInternal, 500, contentXML, "", `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>m</Message></Error><RequestId>rid</RequestId></ErrorResponse>`},
		{S3XML, ErrUnrecognizedClient, 403, "application/xml", "", `<Error><Code>InvalidAccessKeyId</Code><Message>m</Message><RequestId>rid</RequestId><HostId>gUZu481s9E16HEOJLVjwnmwSCJoHQhGiw6+Ulk7vt5Q=</HostId></Error>`},
	} {
		t.Run(c.p.String()+" "+c.e.Code, func(t *testing.T) {
			rec := httptest.NewRecorder()
			rec.Header().Set(HeaderRequestID, "rid")
			writeError(rec, c.p, c.e.With("m"))
			if rec.Code != c.status || rec.Header().Get("Content-Type") != c.ctype || rec.Header().Get(HeaderErrorType) != c.header ||
				!strings.Contains(rec.Body.String(), c.body) {
				t.Errorf("%d %q %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get(HeaderErrorType), rec.Body)
			}
			if c.p == JSON11 || c.p == RESTJSON {
				var v map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
