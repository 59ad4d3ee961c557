package engine

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"

	"github.com/verge-edge/verge/internal/identity"
)

// whoamiYAML is a function that returns its AWS environment, on a
// schedule.
const whoamiYAML = `resources:
  whoami:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: whoami.js}}
      events:
        - type: schedule
          properties: {scheduleRate: rate(1 day)}
      iamRoleStatements:
        - {Effect: Allow, Action: ['lambda:ListFunctions'], Resource: ['*']}
        - {Effect: Allow, Action: ['events:PutEvents'], Resource: ['arn:aws:events:us-east-1:000000000000:event-bus/default']}
`

const whoamiJS = `exports.handler = async () => {
  const e = process.env;
  return {key: e.AWS_ACCESS_KEY_ID, secret: e.AWS_SECRET_ACCESS_KEY, token: e.AWS_SESSION_TOKEN,
    endpoint: e.AWS_ENDPOINT_URL, region: e.AWS_REGION};
};
`

// TestAWSEndpoint: the admin listener is the AWS endpoint; a function's
// environment carries its own credentials and that endpoint, and with
// them it can call the AWS APIs (not the admin API).
func TestAWSEndpoint(t *testing.T) {
	e, _ := serveStack(t, map[string]string{"verge.yaml": whoamiYAML, "whoami.js": whoamiJS}, Options{})
	_, adminAddr := e.Addrs()
	endpoint := "http://" + adminAddr
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	lam := func(c identity.Credentials) *lambda.Client {
		return lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), HTTPClient: client,
			Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)})
	}
	ctx := context.Background()

	// The person: the documented access key id and the token.
	admin := identity.Credentials{AccessKeyID: identity.AdminAccessKeyID, SecretAccessKey: "tok"}
	out, err := lam(admin).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("whoami")})
	must(t, err)
	var env struct{ Key, Secret, Token, Endpoint, Region string }
	must(t, json.Unmarshal(out.Payload, &env))
	want := e.Identities().Function("whoami")
	if env.Key != want.AccessKeyID || env.Secret != want.SecretAccessKey || env.Token != want.SessionToken || env.Endpoint != endpoint || env.Region != "us-east-1" {
		t.Errorf("the function's environment: %+v; want %+v at %s", env, want, endpoint)
	}
	m, err := lam(admin).ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("whoami")})
	if err != nil || len(m.EventSourceMappings) != 1 || aws.ToString(m.EventSourceMappings[0].EventSourceArn) != "arn:aws:events:us-east-1:000000000000:rule/whoami-schedule-0" {
		t.Errorf("ListEventSourceMappings: %v %+v", err, m)
	}

	// The function, with what its environment holds.
	fn := identity.Credentials{AccessKeyID: env.Key, SecretAccessKey: env.Secret, SessionToken: env.Token}
	fns, err := lam(fn).ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(fns.Functions) != 1 || fns.Functions[0].State != "Active" {
		t.Errorf("ListFunctions as the function: %v %+v", err, fns)
	}
	eb := eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), HTTPClient: client,
		Credentials: credentials.NewStaticCredentialsProvider(fn.AccessKeyID, fn.SecretAccessKey, fn.SessionToken)})
	put, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{Source: aws.String("a"), DetailType: aws.String("b"), Detail: aws.String("{}")}}})
	if err != nil || put.FailedEntryCount != 0 {
		t.Errorf("PutEvents as the function: %v %+v", err, put)
	}
	// What no statement allows is denied, with the line to add.
	_, err = lam(fn).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("whoami")})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDeniedException" || !strings.Contains(apiErr.ErrorMessage(), "iamRoleStatements") {
		t.Errorf("GetFunction as the function: %v, want AccessDeniedException naming iamRoleStatements", err)
	}

	// The admin API answers the admin only.
	for _, c := range []struct {
		auth   string
		status int
	}{{"Bearer tok", 200}, {"Bearer " + env.Secret, 401}, {"", 401}} {
		req, _ := http.NewRequest("GET", endpoint+"/cache/stats", nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := client.Do(req)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("/cache/stats with %q: %d, want %d", strings.Fields(c.auth + " none")[0], resp.StatusCode, c.status)
		}
	}
}

// TestEndpointURL: functions reach an unspecified listen address on
// loopback.
func TestEndpointURL(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"127.0.0.1:8081", "http://127.0.0.1:8081"},
		{"0.0.0.0:8081", "http://127.0.0.1:8081"},
		{"[::]:8081", "http://127.0.0.1:8081"},
		{":8081", "http://127.0.0.1:8081"},
		{"[::1]:8081", "http://[::1]:8081"},
	} {
		a, err := net.ResolveTCPAddr("tcp", c.addr)
		must(t, err)
		if got := endpointURL(a); got != c.want {
			t.Errorf("%s: %s, want %s", c.addr, got, c.want)
		}
	}
}

// boto3YAML has two Python functions with the same code calling Lambda and
// EventBridge through boto3, with no endpoint or credentials in their code:
// caller is allowed by accessControl.allowAccessTo, stranger by nothing.
const boto3YAML = `resources:
  orders:
    type: event-bus
  worker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: worker.py}}
  caller:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: caller.py}}
      timeout: 30
      memory: 512
      accessControl:
        allowAccessTo: [worker, orders]
  stranger:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: caller.py}}
      timeout: 30
      memory: 512
`

const workerPy = `def handler(event, context):
    return "worked"
`

const boto3Py = `import boto3, botocore.exceptions

def attempt(f):
    try:
        return f()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]

def handler(event, context):
    invoked = attempt(lambda: boto3.client("lambda").invoke(FunctionName="worker")["Payload"].read().decode())
    put = attempt(lambda: boto3.client("events").put_events(
        Entries=[{"EventBusName": "orders", "Source": "caller", "DetailType": "t", "Detail": "{}"}])["FailedEntryCount"])
    return {"invoke": invoked, "putEvents": put}
`

// TestFunctionCallsAWS: a handler's own SDK (boto3, the host's) reaches
// Verge's AWS endpoint from inside its sandbox with the credentials and
// endpoint of its environment; Invoke and PutEvents pass with
// allowAccessTo and are denied without it.
func TestFunctionCallsAWS(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("no boto3 on this host (Debian: python3-boto3):", err)
	}
	e, _ := serveStack(t, map[string]string{"verge.yaml": boto3YAML, "caller.py": boto3Py, "worker.py": workerPy}, Options{})
	_, adminAddr := e.Addrs()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr},
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")})
	for _, fn := range []struct{ name, want string }{
		{"caller", `{"invoke": "\"worked\"", "putEvents": 0}`},
		{"stranger", `{"invoke": "AccessDeniedException", "putEvents": "AccessDeniedException"}`},
	} {
		out, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(fn.name)})
		must(t, err)
		if out.FunctionError != nil || string(out.Payload) != fn.want {
			t.Errorf("%s's boto3 calls: %s %s, want %s", fn.name, aws.ToString(out.FunctionError), out.Payload, fn.want)
		}
	}
}
