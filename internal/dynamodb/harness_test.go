package dynamodb_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/smithy-go"

	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/identity"
)

// testToken is the harness's secret key.
const testToken = "SECRET"

// env is a DynamoDB endpoint on a real broker, store and HTTP server,
// with clients of the AWS SDK for Go v2.
type env struct {
	st      *store.Store
	svc     *dynamodb.Service
	srv     *httptest.Server
	db      *awsddb.Client
	streams *dynamodbstreams.Client

	mu   sync.Mutex
	auth []awsapi.Request
}

// newEnv starts an endpoint. o's JetStream is the harness's; its Now, if
// set, is the store's and the service's clock.
func newEnv(t testing.TB, o store.Options) *env {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	o.JetStream = b.JetStream()
	if o.Size == nil {
		o.Size = dynamodb.ItemSize
	}
	st, err := store.Open(ctx, o)
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	e := &env{st: st, svc: dynamodb.New(dynamodb.Options{Store: st, Now: o.Now})}
	ids := identity.New([]byte("0123456789abcdef0123456789abcdef"), testToken)
	e.srv = httptest.NewServer(awsapi.New(awsapi.Options{Identities: ids, Authorizer: e}, awsapi.DynamoDB(awsapi.Fixed(e.svc))))
	t.Cleanup(func() {
		e.srv.Close()
		st.Close()
		b.Close()
	})
	creds := credentials.NewStaticCredentialsProvider("AKID", testToken, "")
	e.db = awsddb.New(awsddb.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL), Credentials: creds, HTTPClient: e.srv.Client(),
		RetryMaxAttempts: 1})
	e.streams = dynamodbstreams.New(dynamodbstreams.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL), Credentials: creds,
		HTTPClient: e.srv.Client(), RetryMaxAttempts: 1})
	return e
}

// Authorize records req and allows it.
func (e *env) Authorize(_ context.Context, req awsapi.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.auth = append(e.auth, req)
	return nil
}

// requests are the authorization requests made so far.
func (e *env) requests() []awsapi.Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]awsapi.Request(nil), e.auth...)
}

// stopped is a clock that moves only when told.
type stopped struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stopped) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stopped) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// apiError is err's code and message, "" when err is nil; an error that
// is not an API error fails the test.
func apiError(t testing.TB, err error) (string, string) {
	t.Helper()
	if err == nil {
		return "", ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// wantError fails unless err is the API error code with message msg (any
// message when msg is "").
func wantError(t testing.TB, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s: %s", code, msg)
	}
	c, m := apiError(t, err)
	if c != code || msg != "" && m != msg {
		t.Fatalf("error %s: %q\nwant  %s: %q", c, m, code, msg)
	}
}
