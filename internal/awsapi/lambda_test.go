package awsapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/verge-edge/verge/internal/identity"
)

// handlers are the functions of the read-side tests: echo and fail have
// triggers (testTriggers), quiet has none.
var handlers = map[string]string{
	"echo":  `exports.handler = async (e) => ({echo: e, key: process.env.AWS_ACCESS_KEY_ID});`,
	"fail":  `exports.handler = async () => { throw new Error("no") }`,
	"quiet": `exports.handler = async () => 1;`,
}

// errorCode is the exception name the SDK read from an error response.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestLambdaReadSDK drives every operation of Lambda's read side with the
// AWS SDK for Go v2, as the admin and as a function, and checks what the
// waiter function-active-v2 needs.
func TestLambdaReadSDK(t *testing.T) {
	srv := newServer(t, handlers)
	for _, who := range []struct {
		name  string
		creds identity.Credentials
	}{
		{"admin", testIdentities.Admin()},
		{"function", testIdentities.Function("echo")},
	} {
		t.Run(who.name, func(t *testing.T) { lambdaReads(t, newClientAs(srv, who.creds)) })
	}
}

func lambdaReads(t *testing.T, c *lambda.Client) {
	ctx := context.Background()
	fns, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(fns.Functions) != 3 || aws.ToString(fns.Functions[0].FunctionName) != "echo" || fns.NextMarker != nil {
		t.Fatalf("ListFunctions: %v %+v", err, fns)
	}
	f := fns.Functions[0]
	if f.State != "Active" || f.LastUpdateStatus != "Successful" || aws.ToInt32(f.MemorySize) != 128 || aws.ToInt32(f.Timeout) != 3 ||
		!strings.HasPrefix(string(f.Runtime), "nodejs") || aws.ToString(f.Handler) != "index.handler" ||
		aws.ToString(f.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:echo" || aws.ToString(f.CodeSha256) == "" {
		t.Errorf("ListFunctions' echo: %+v", f)
	}
	// Pages of one.
	var names []string
	p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Functions {
			names = append(names, aws.ToString(f.FunctionName))
		}
	}
	if strings.Join(names, ",") != "echo,fail,quiet" {
		t.Errorf("paginated: %v", names)
	}

	got, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("echo")})
	if err != nil || got.Configuration.State != "Active" || got.Configuration.LastUpdateStatus != "Successful" || aws.ToString(got.Code.RepositoryType) != "S3" {
		t.Errorf("GetFunction: %v %+v", err, got)
	}
	if err := lambda.NewFunctionActiveV2Waiter(c).Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("echo")}, 10*time.Second); err != nil {
		t.Errorf("function-active-v2 waiter: %v", err)
	}
	if err := lambda.NewFunctionUpdatedV2Waiter(c).Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("echo")}, 10*time.Second); err != nil {
		t.Errorf("function-updated-v2 waiter: %v", err)
	}
	cfg, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:echo"), Qualifier: aws.String("1")})
	if err != nil || aws.ToString(cfg.Version) != "1" || !strings.HasSuffix(aws.ToString(cfg.FunctionArn), ":echo:1") {
		t.Errorf("GetFunctionConfiguration: %v %+v", err, cfg)
	}
	acct, err := c.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil || acct.AccountUsage.FunctionCount != 3 || acct.AccountLimit.ConcurrentExecutions != 1000 || acct.AccountLimit.CodeSizeZipped != quotaCodeSizeZipped {
		t.Errorf("GetAccountSettings: %v %+v %+v", err, acct.AccountUsage, acct.AccountLimit)
	}
	vs, err := c.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("echo")})
	if err != nil || len(vs.Versions) != 2 || aws.ToString(vs.Versions[0].Version) != "$LATEST" || aws.ToString(vs.Versions[1].Version) != "1" {
		t.Errorf("ListVersionsByFunction: %v %+v", err, vs)
	}
	as, err := c.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("echo")})
	if err != nil || as.Aliases == nil || len(as.Aliases) != 0 {
		t.Errorf("ListAliases: %v %+v", err, as)
	}
	eic, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("echo")})
	if err != nil || aws.ToString(eic.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:echo:$LATEST" {
		t.Errorf("GetFunctionEventInvokeConfig: %v %+v", err, eic)
	}
	conc, err := c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("echo")})
	if err != nil || conc.ReservedConcurrentExecutions != nil {
		t.Errorf("GetFunctionConcurrency: %v %+v", err, conc)
	}

	all, err := c.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
	if err != nil || len(all.EventSourceMappings) != 3 {
		t.Fatalf("ListEventSourceMappings: %v %+v", err, all)
	}
	echo, err := c.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("echo")})
	if err != nil || len(echo.EventSourceMappings) != 2 {
		t.Fatalf("ListEventSourceMappings(echo): %v %+v", err, echo)
	}
	m := echo.EventSourceMappings[0]
	if aws.ToString(m.State) != "Enabled" || aws.ToString(m.UUID) != aws.ToString(all.EventSourceMappings[0].UUID) || aws.ToString(m.EventSourceArn) != testTriggers()[0].Source {
		t.Errorf("mapping: %+v", m)
	}
	one, err := c.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: m.UUID})
	if err != nil || aws.ToString(one.EventSourceArn) != aws.ToString(m.EventSourceArn) {
		t.Errorf("GetEventSourceMapping: %v %+v", err, one)
	}
	pol, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("echo")})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), testTriggers()[1].Source) || !strings.Contains(aws.ToString(pol.Policy), "events.amazonaws.com") {
		t.Errorf("GetPolicy: %v %+v", err, pol)
	}

	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`1`)})
	if err != nil || !strings.Contains(string(out.Payload), `"key":"ASIA`) {
		t.Errorf("Invoke: %v %s (the function's own key id is in its environment)", err, out.Payload)
	}

	// Errors, as the SDK reads them.
	for _, e := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"GetFunction of none", func() error {
			_, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Function not found"},
		{"GetPolicy of a function with no triggers", func() error {
			_, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("quiet")})
			return err
		}, "ResourceNotFoundException", "does not exist"},
		{"GetEventSourceMapping of none", func() error {
			_, err := c.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String("00000000-0000-0000-0000-000000000000")})
			return err
		}, "ResourceNotFoundException", "does not exist"},
		{"CreateFunction", func() error {
			_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("new"), Role: aws.String("r"), Code: &types.FunctionCode{ZipFile: []byte("zip")}})
			return err
		}, "InvalidParameterValueException", "stack file"},
		{"UpdateFunctionCode", func() error {
			_, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("echo"), ZipFile: []byte("zip")})
			return err
		}, "InvalidParameterValueException", "stack file"},
		{"DeleteFunction", func() error {
			_, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("echo")})
			return err
		}, "InvalidParameterValueException", "DeleteFunction is not available"},
		{"PutFunctionConcurrency", func() error {
			_, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("echo"), ReservedConcurrentExecutions: aws.Int32(1)})
			return err
		}, "InvalidParameterValueException", "stack file"},
		{"DeleteEventSourceMapping", func() error {
			_, err := c.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: m.UUID})
			return err
		}, "InvalidParameterValueException", "event source mappings"},
		{"ListLayers (not served)", func() error {
			_, err := c.ListLayers(ctx, &lambda.ListLayersInput{})
			return err
		}, "UnknownOperationException", "lambda operation GET /2018-10-31/layers"},
	} {
		err := e.call()
		if errorCode(err) != e.code || !strings.Contains(err.Error(), e.msg) {
			t.Errorf("%s: %v (code %q), want %s: …%s…", e.name, err, errorCode(err), e.code, e.msg)
		}
	}
}

// TestPaginate: Verge's markers are offsets.
func TestPaginate(t *testing.T) {
	for _, c := range []struct {
		n           int
		marker, max string
		from, to    int
		next        string
		err         bool
	}{
		{0, "", "", 0, 0, "", false},
		{3, "", "", 0, 3, "", false},
		{3, "", "2", 0, 2, "2", false},
		{3, "2", "2", 2, 3, "", false},
		{3, "4", "", 0, 0, "", true},
		{3, "x", "", 0, 0, "", true},
		{3, "", "0", 0, 0, "", true},
		{3, "", "10001", 0, 0, "", true},
	} {
		page, next, err := paginate(c.n, c.marker, c.max)
		if (err != nil) != c.err || (!c.err && (page != [2]int{c.from, c.to} || next != c.next)) {
			t.Errorf("paginate(%d, %q, %q) = %v %q %v", c.n, c.marker, c.max, page, next, err)
		}
	}
}
