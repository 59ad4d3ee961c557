package awsapi

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/cff"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/golden"
	"github.com/verge-edge/verge/internal/jsfn"
)

var update = flag.Bool("update", false, "rewrite the response sections of the golden files in testdata")

// testCDNFunctions are the fake CDN's cdn-functions' sources.
var testCDNFunctions = map[string]string{
	"add-header": `function handler(event) {
  console.log("uri " + event.request.uri);
  event.request.headers["x-added"] = {value: "yes"};
  return event.request;
}`,
	"throws": `function handler(event) { throw new Error("nope " + event.request.uri); }`,
}

// fakeCDN is a CDN of two distributions and two functions, run by the
// runner of verge test-function; it records invalidations.
type fakeCDN struct {
	mu          sync.Mutex
	invalidated []string
}

// testLimits give the functions a generous compute budget: the race
// detector slows a first run past CloudFront's 5ms.
var testLimits = jsfn.Limits{Compute: time.Second}

var testModified = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func (*fakeCDN) Distributions() []Distribution {
	return []Distribution{
		{Name: "api", Domain: "api.localhost", Modified: testModified,
			Origins: []DistributionOrigin{{ID: "api", Domain: "api.localhost", Custom: true}, OriginOf("example.com/v1", "https://example.com:8443/v1")},
			Behaviors: []CacheBehavior{
				{PathPattern: "/v1/*", OriginID: "example.com/v1", MaxTTL: 60},
				{PathPattern: "*", OriginID: "api", DefaultTTL: 0, MaxTTL: 31536000, Compress: true,
					Functions: []FunctionAssociation{{EventType: "origin-request", ARN: "arn:aws:lambda:us-east-1:000000000000:function:auth", Lambda: true}}},
			}},
		{Name: "site", Domain: "site.localhost", DefaultRootObject: "index.html", Modified: testModified,
			Origins: []DistributionOrigin{{ID: "site", Domain: "site"}},
			Behaviors: []CacheBehavior{{PathPattern: "*", OriginID: "site", DefaultTTL: 86400, MaxTTL: 31536000, Compress: true,
				Functions: []FunctionAssociation{{EventType: "viewer-request", ARN: "arn:aws:cloudfront::000000000000:function/add-header"}}}}},
	}
}

func (f *fakeCDN) Invalidate(dist string, paths []string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalidated = append(f.invalidated, dist+" "+strings.Join(paths, " "))
	return len(paths)
}

func (*fakeCDN) CDNFunctions() []CDNFunction {
	return []CDNFunction{
		{Name: "add-header", Runtime: "cloudfront-js-2.0", ETag: "ETAG1", KeyValueStore: "flags", Modified: testModified},
		{Name: "throws", Runtime: "cloudfront-js-1.0", ETag: "ETAG2", Modified: testModified},
	}
}

func (*fakeCDN) TestFunction(ctx context.Context, name string, event []byte) (TestResult, error) {
	src, ok := testCDNFunctions[name]
	if !ok {
		return TestResult{}, errs.E(errs.NotFound, name)
	}
	res, err := cff.Test(ctx, []byte(src), jsfn.Runtime20, testLimits, event, jsfn.RunOptions{Now: testModified})
	return TestResult(res), err
}

// newCloudFront is a CloudFront client of an endpoint over a fakeCDN,
// signing as the admin.
func newCloudFront(t *testing.T) (*cloudfront.Client, *fakeCDN, *httptest.Server) {
	t.Helper()
	cdn := &fakeCDN{}
	srv := httptest.NewServer(New(Options{Identities: testIdentities}, CloudFront(cdn)))
	t.Cleanup(srv.Close)
	c := testIdentities.Admin()
	return cloudfront.New(cloudfront.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken), RetryMaxAttempts: 1}), cdn, srv
}

// testEvent is a viewer-request test event as `aws cloudfront
// test-function` sends it.
const testEvent = `{"version":"1.0","context":{"eventType":"viewer-request"},"viewer":{"ip":"1.2.3.4"},
"request":{"method":"GET","uri":"/index.html","headers":{"host":{"value":"site.localhost"}},"querystring":{"a":{"value":"1"}},"cookies":{}}}`

// TestCloudFrontSDK drives every CloudFront operation Verge serves with
// the AWS SDK for Go v2.
func TestCloudFrontSDK(t *testing.T) {
	c, cdn, _ := newCloudFront(t)
	ctx := context.Background()
	siteID := DistributionID("site")

	list, err := c.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	if err != nil || list.DistributionList == nil || aws.ToInt32(list.DistributionList.Quantity) != 2 {
		t.Fatalf("ListDistributions: %v %+v", err, list)
	}
	s := list.DistributionList.Items[1]
	if aws.ToString(s.Id) != siteID || aws.ToString(s.Status) != "Deployed" || !aws.ToBool(s.Enabled) || aws.ToString(s.DomainName) != "site.localhost" ||
		aws.ToString(s.ARN) != "arn:aws:cloudfront::000000000000:distribution/"+siteID || !s.LastModifiedTime.Equal(testModified) ||
		aws.ToString(s.Origins.Items[0].Id) != "site" || aws.ToString(s.DefaultCacheBehavior.TargetOriginId) != "site" ||
		aws.ToString(s.DefaultCacheBehavior.FunctionAssociations.Items[0].FunctionARN) != "arn:aws:cloudfront::000000000000:function/add-header" {
		t.Errorf("ListDistributions' site: %+v", s)
	}
	if len(siteID) != 14 || siteID != strings.ToUpper(siteID) {
		t.Errorf("Id %q is not shaped like CloudFront's", siteID)
	}
	// Pages of one.
	var ids []string
	p := cloudfront.NewListDistributionsPaginator(c, &cloudfront.ListDistributionsInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.DistributionList.Items {
			ids = append(ids, aws.ToString(d.Id))
		}
	}
	if len(ids) != 2 || ids[1] != siteID {
		t.Errorf("paginated: %v", ids)
	}

	for _, id := range []string{siteID, "site"} { // by Id, and by resource name
		got, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(id)})
		if err != nil || aws.ToString(got.Distribution.Id) != siteID || aws.ToString(got.ETag) == "" ||
			aws.ToString(got.Distribution.DistributionConfig.DefaultRootObject) != "index.html" || aws.ToString(got.Distribution.Status) != "Deployed" {
			t.Errorf("GetDistribution(%s): %v %+v", id, err, got)
		}
	}
	api, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(DistributionID("api"))})
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.Distribution.DistributionConfig
	if o := cfg.Origins.Items[1]; aws.ToString(o.DomainName) != "example.com" || aws.ToString(o.OriginPath) != "/v1" ||
		o.CustomOriginConfig.OriginProtocolPolicy != cftypes.OriginProtocolPolicyHttpsOnly || aws.ToInt32(o.CustomOriginConfig.HTTPSPort) != 8443 {
		t.Errorf("api's HTTP origin: %+v %+v", o, o.CustomOriginConfig)
	}
	if b := cfg.CacheBehaviors.Items; len(b) != 1 || aws.ToString(b[0].PathPattern) != "/v1/*" || aws.ToString(cfg.DefaultCacheBehavior.LambdaFunctionAssociations.Items[0].LambdaFunctionARN) != "arn:aws:lambda:us-east-1:000000000000:function:auth" {
		t.Errorf("api's behaviours: %+v %+v", b, cfg.DefaultCacheBehavior)
	}

	// Invalidations: done at once, remembered, newest first, idempotent
	// by caller reference.
	batch := func(ref string, paths ...string) *cftypes.InvalidationBatch {
		return &cftypes.InvalidationBatch{CallerReference: aws.String(ref), Paths: &cftypes.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths}}
	}
	var made []string
	for i, paths := range [][]string{{"/index.html"}, {"/img/*", "/a b.css"}, {"/*"}} {
		out, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(siteID), InvalidationBatch: batch(string(rune('a'+i)), paths...)})
		if err != nil || aws.ToString(out.Invalidation.Status) != "Completed" || !slices.Equal(out.Invalidation.InvalidationBatch.Paths.Items, paths) ||
			!strings.HasSuffix(aws.ToString(out.Location), "/2020-05-31/distribution/"+siteID+"/invalidation/"+aws.ToString(out.Invalidation.Id)) {
			t.Fatalf("CreateInvalidation: %v %+v", err, out)
		}
		made = append(made, aws.ToString(out.Invalidation.Id))
	}
	again, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String("site"), InvalidationBatch: batch("a", "/index.html")})
	if err != nil || aws.ToString(again.Invalidation.Id) != made[0] {
		t.Errorf("CreateInvalidation again: %v %+v, want %s", err, again, made[0])
	}
	if want := "site /index.html|site /img/* /a b.css|site /*"; strings.Join(cdn.invalidated, "|") != want {
		t.Errorf("invalidated %q, want %q", cdn.invalidated, want)
	}
	inv, err := c.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(siteID), Id: aws.String(made[1])})
	if err != nil || aws.ToString(inv.Invalidation.Status) != "Completed" || aws.ToString(inv.Invalidation.InvalidationBatch.CallerReference) != "b" {
		t.Errorf("GetInvalidation: %v %+v", err, inv)
	}
	if err := cloudfront.NewInvalidationCompletedWaiter(c).Wait(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(siteID), Id: aws.String(made[1])}, 10*time.Second); err != nil {
		t.Errorf("invalidation-completed waiter: %v", err)
	}
	var listed []string
	ip := cloudfront.NewListInvalidationsPaginator(c, &cloudfront.ListInvalidationsInput{DistributionId: aws.String(siteID), MaxItems: aws.Int32(2)})
	for ip.HasMorePages() {
		page, err := ip.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.InvalidationList.Items {
			listed = append(listed, aws.ToString(s.Id))
			if aws.ToString(s.Status) != "Completed" {
				t.Errorf("summary: %+v", s)
			}
		}
	}
	if want := []string{made[2], made[1], made[0]}; !slices.Equal(listed, want) {
		t.Errorf("ListInvalidations: %v, want %v", listed, want)
	}

	// Functions.
	fns, err := c.ListFunctions(ctx, &cloudfront.ListFunctionsInput{})
	if err != nil || aws.ToInt32(fns.FunctionList.Quantity) != 2 {
		t.Fatalf("ListFunctions: %v %+v", err, fns)
	}
	f := fns.FunctionList.Items[0]
	if aws.ToString(f.Name) != "add-header" || f.FunctionConfig.Runtime != cftypes.FunctionRuntimeCloudfrontJs20 || f.FunctionMetadata.Stage != cftypes.FunctionStageLive ||
		aws.ToString(f.FunctionMetadata.FunctionARN) != "arn:aws:cloudfront::000000000000:function/add-header" ||
		aws.ToString(f.FunctionConfig.KeyValueStoreAssociations.Items[0].KeyValueStoreARN) != "arn:aws:cloudfront::000000000000:key-value-store/flags" {
		t.Errorf("ListFunctions' add-header: %+v %+v %+v", f, f.FunctionConfig, f.FunctionMetadata)
	}
	page, err := c.ListFunctions(ctx, &cloudfront.ListFunctionsInput{MaxItems: aws.Int32(1), Marker: aws.String("1")})
	if err != nil || aws.ToInt32(page.FunctionList.Quantity) != 1 || aws.ToString(page.FunctionList.Items[0].Name) != "throws" || page.FunctionList.NextMarker != nil {
		t.Errorf("ListFunctions' second page: %v %+v", err, page)
	}
	desc, err := c.DescribeFunction(ctx, &cloudfront.DescribeFunctionInput{Name: aws.String("throws"), Stage: cftypes.FunctionStageDevelopment})
	if err != nil || aws.ToString(desc.ETag) != "ETAG2" || desc.FunctionSummary.FunctionMetadata.Stage != cftypes.FunctionStageDevelopment || aws.ToString(desc.FunctionSummary.Status) != "DEPLOYED" {
		t.Errorf("DescribeFunction: %v %+v", err, desc)
	}

	// TestFunction says what the offline runner says.
	for _, name := range []string{"add-header", "throws"} {
		got, err := c.TestFunction(ctx, &cloudfront.TestFunctionInput{Name: aws.String(name), IfMatch: aws.String(map[string]string{"add-header": "ETAG1", "throws": "ETAG2"}[name]),
			EventObject: []byte(testEvent)})
		if err != nil {
			t.Fatalf("TestFunction(%s): %v", name, err)
		}
		want, err := cff.Test(ctx, []byte(testCDNFunctions[name]), jsfn.Runtime20, testLimits, []byte(testEvent), jsfn.RunOptions{Now: testModified})
		if err != nil {
			t.Fatal(err)
		}
		r := got.TestResult
		if aws.ToString(r.FunctionOutput) != want.FunctionOutput || aws.ToString(r.FunctionErrorMessage) != want.FunctionErrorMessage ||
			!slices.Equal(r.FunctionExecutionLogs, want.FunctionExecutionLogs) || aws.ToString(r.ComputeUtilization) == "" ||
			aws.ToString(r.FunctionSummary.Name) != name || r.FunctionSummary.FunctionMetadata.Stage != cftypes.FunctionStageDevelopment {
			t.Errorf("TestFunction(%s):\n got %+v %+v\nwant %+v", name, r, aws.ToString(r.FunctionOutput), want)
		}
	}
	if want := `{"request":{"headers":{"host":{"value":"site.localhost"},"x-added":{"value":"yes"}},"method":"GET","querystring":{"a":{"value":"1"}},"uri":"/index.html","cookies":{}}}`; true {
		got, _ := c.TestFunction(ctx, &cloudfront.TestFunctionInput{Name: aws.String("add-header"), IfMatch: aws.String("ETAG1"), EventObject: []byte(testEvent)})
		if aws.ToString(got.TestResult.FunctionOutput) != want || strings.Join(got.TestResult.FunctionExecutionLogs, "|") != "uri /index.html" {
			t.Errorf("add-header's output %s logs %q", aws.ToString(got.TestResult.FunctionOutput), got.TestResult.FunctionExecutionLogs)
		}
	}
}

// TestCloudFrontErrors: the errors CloudFront answers, as the SDK reads
// them.
func TestCloudFrontErrors(t *testing.T) {
	c, _, _ := newCloudFront(t)
	ctx := context.Background()
	siteID := DistributionID("site")
	paths := func(q int32, p ...string) *cftypes.InvalidationBatch {
		return &cftypes.InvalidationBatch{CallerReference: aws.String("r"), Paths: &cftypes.Paths{Quantity: aws.Int32(q), Items: p}}
	}
	for _, e := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"GetDistribution of none", func() error {
			_, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String("E000000000000")})
			return err
		}, "NoSuchDistribution", "does not exist"},
		{"CreateInvalidation of no distribution", func() error {
			_, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String("nope"), InvalidationBatch: paths(1, "/a")})
			return err
		}, "NoSuchDistribution", "does not exist"},
		{"GetInvalidation of none", func() error {
			_, err := c.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(siteID), Id: aws.String("I000")})
			return err
		}, "NoSuchInvalidation", "does not exist"},
		{"ListInvalidations of no distribution", func() error {
			_, err := c.ListInvalidations(ctx, &cloudfront.ListInvalidationsInput{DistributionId: aws.String("nope")})
			return err
		}, "NoSuchDistribution", "does not exist"},
		{"a path without /", func() error {
			_, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(siteID), InvalidationBatch: paths(1, "a")})
			return err
		}, "InvalidArgument", "invalid invalidation paths: a"},
		{"a * inside a path", func() error {
			_, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(siteID), InvalidationBatch: paths(1, "/*.css")})
			return err
		}, "InvalidArgument", "invalid invalidation paths"},
		{"a quantity that disagrees", func() error {
			_, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(siteID), InvalidationBatch: paths(2, "/a")})
			return err
		}, "InconsistentQuantities", "Quantity (2)"},
		{"a caller reference reused for other paths", func() error {
			if _, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(siteID), InvalidationBatch: paths(1, "/a")}); err != nil {
				return err
			}
			_, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(siteID), InvalidationBatch: paths(1, "/b")})
			return err
		}, "InvalidationBatchAlreadyExists", "caller reference r"},
		{"DescribeFunction of none", func() error {
			_, err := c.DescribeFunction(ctx, &cloudfront.DescribeFunctionInput{Name: aws.String("nope")})
			return err
		}, "NoSuchFunctionExists", "nope"},
		{"TestFunction of none", func() error {
			_, err := c.TestFunction(ctx, &cloudfront.TestFunctionInput{Name: aws.String("nope"), IfMatch: aws.String("E"), EventObject: []byte(testEvent)})
			return err
		}, "NoSuchFunctionExists", "nope"},
		{"TestFunction with a stale ETag", func() error {
			_, err := c.TestFunction(ctx, &cloudfront.TestFunctionInput{Name: aws.String("throws"), IfMatch: aws.String("OLD"), EventObject: []byte(testEvent)})
			return err
		}, "PreconditionFailed", "ETAG2"},
		{"TestFunction with no event", func() error {
			_, err := c.TestFunction(ctx, &cloudfront.TestFunctionInput{Name: aws.String("throws"), IfMatch: aws.String("ETAG2"), EventObject: []byte(`{"version":"1.0"}`)})
			return err
		}, "InvalidArgument", "not a CloudFront Functions event"},
		{"ListDistributions with a bad marker", func() error {
			_, err := c.ListDistributions(ctx, &cloudfront.ListDistributionsInput{Marker: aws.String("x")})
			return err
		}, "InvalidArgument", "Marker"},
		{"an operation Verge does not serve", func() error {
			_, err := c.ListCachePolicies(ctx, &cloudfront.ListCachePoliciesInput{})
			return err
		}, "InvalidAction", "cloudfront operation GET /2020-05-31/cache-policy"},
	} {
		err := e.call()
		if errorCode(err) != e.code || !strings.Contains(err.Error(), e.msg) {
			t.Errorf("%s: %v (code %q), want %s: …%s…", e.name, err, errorCode(err), e.code, e.msg)
		}
	}
}

// TestCloudFrontGolden: the XML of the large answers, as CloudFront's
// documents lay them out. Each archive's "request" section is a method
// and path; its "response" section the answer, indented.
func TestCloudFrontGolden(t *testing.T) {
	_, _, srv := newCloudFront(t)
	golden.Run(t, "cloudfront", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		req, _ := golden.Section(a, "request")
		method, path, _ := strings.Cut(strings.TrimSpace(req), " ")
		r, err := http.NewRequest(method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		sign(t, r, testIdentities.Admin(), "cloudfront", "")
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return "response", resp.Status + "\n" + indentXML(t, b)
	})
}

// indentXML lays an XML document out one element a line.
func indentXML(t *testing.T, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	dec, enc := xml.NewDecoder(bytes.NewReader(b)), xml.NewEncoder(&out)
	enc.Indent("", "  ")
	inID := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%v in %s", err, b)
		}
		switch tk := tok.(type) {
		case xml.StartElement: // the namespace is in the attributes
			tk.Name.Space = ""
			inID = tk.Name.Local == "RequestId"
			tok = tk
		case xml.EndElement:
			tk.Name.Space = ""
			tok = tk
		case xml.CharData:
			if len(bytes.TrimSpace(tk)) == 0 {
				continue
			}
			if inID { // a new one each time
				tok = xml.CharData("REQUEST-ID")
			}
		}
		if _, ok := tok.(xml.ProcInst); ok {
			continue
		}
		if err := enc.EncodeToken(xml.CopyToken(tok)); err != nil {
			t.Fatal(err)
		}
	}
	enc.Flush()
	return out.String() + "\n"
}

// TestCloudFrontAuthorization: each operation declares its IAM action and
// the distribution's or function's ARN (by Id, whichever way the request
// names it); a denial is CloudFront's AccessDenied.
func TestCloudFrontAuthorization(t *testing.T) {
	a := &authz{deny: func(r Request) bool { return r.Action == "cloudfront:CreateInvalidation" }}
	srv := httptest.NewServer(New(Options{Identities: testIdentities, Authorizer: a}, CloudFront(&fakeCDN{})))
	t.Cleanup(srv.Close)
	fn := testIdentities.Function("echo")
	c := cloudfront.New(cloudfront.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(fn.AccessKeyID, fn.SecretAccessKey, fn.SessionToken)})
	ctx := context.Background()
	siteARN := "arn:aws:cloudfront::000000000000:distribution/" + DistributionID("site")
	for _, call := range []struct {
		do        func() error
		action    string
		resources string
	}{
		{func() error { _, err := c.ListDistributions(ctx, &cloudfront.ListDistributionsInput{}); return err }, "cloudfront:ListDistributions", ""},
		{func() error {
			_, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String("site")})
			return err
		}, "cloudfront:GetDistribution", siteARN},
		{func() error {
			_, err := c.ListInvalidations(ctx, &cloudfront.ListInvalidationsInput{DistributionId: aws.String(DistributionID("site"))})
			return err
		}, "cloudfront:ListInvalidations", siteARN},
		{func() error {
			_, err := c.DescribeFunction(ctx, &cloudfront.DescribeFunctionInput{Name: aws.String("throws")})
			return err
		}, "cloudfront:DescribeFunction", "arn:aws:cloudfront::000000000000:function/throws"},
	} {
		if err := call.do(); err != nil {
			t.Errorf("%s: %v", call.action, err)
		}
		if r := a.last(); r.Action != call.action || strings.Join(r.Resources, " ") != call.resources || r.Identity.Function != "echo" {
			t.Errorf("authorizer asked %+v, want %s on %q", r, call.action, call.resources)
		}
	}
	_, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String("site"), InvalidationBatch: &cftypes.InvalidationBatch{
		CallerReference: aws.String("r"), Paths: &cftypes.Paths{Quantity: aws.Int32(1), Items: []string{"/a"}}}})
	if errorCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "cloudfront:CreateInvalidation on resource: "+siteARN) {
		t.Errorf("denied CreateInvalidation: %v (code %q)", err, errorCode(err))
	}
}
