package awsapi

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/xml"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

// CDN is what the CloudFront API reads and acts on: the running plan's
// distributions and cdn-functions, and the edge's cache.
type CDN interface {
	Distributions() []Distribution
	// Invalidate removes paths from the named distribution's cache and
	// says how many entries went.
	Invalidate(dist string, paths []string) int
	CDNFunctions() []CDNFunction
	// TestFunction runs a CloudFront Functions event through the named
	// cdn-function, as `verge test-function` does; an errs.NotFound error
	// for no such function, errs.Invalid for an event that is not one.
	TestFunction(ctx context.Context, name string, event []byte) (TestResult, error)
}

// A Distribution is a CDN of the running plan, as CloudFront shows it.
type Distribution struct {
	// Name is the resource name; the Id is derived from it.
	Name string
	// Domain is where viewers reach it: NAME.localhost, or the viewer
	// listener's address when it is the only one.
	Domain            string
	DefaultRootObject string
	Origins           []DistributionOrigin
	// Behaviors are in match order, the default ("*") last.
	Behaviors []CacheBehavior
	// Modified is when the plan that made it was applied.
	Modified time.Time
}

// A DistributionOrigin is where a behaviour's misses go.
type DistributionOrigin struct {
	ID, Domain, Path string
	// Custom is an HTTP origin (a server, a front door); otherwise a
	// bucket.
	Custom bool
	// HTTPS says a custom origin is reached over TLS.
	HTTPS bool
	Port  int
}

// A CacheBehavior is a path pattern's origin, TTLs and functions.
type CacheBehavior struct {
	PathPattern, OriginID      string
	MinTTL, DefaultTTL, MaxTTL int64
	Compress                   bool
	Functions                  []FunctionAssociation
}

// A FunctionAssociation runs a function at a trigger point.
type FunctionAssociation struct {
	// EventType is viewer-request, viewer-response, origin-request or
	// origin-response.
	EventType string
	ARN       string
	// Lambda says a Lambda@Edge function, not a CloudFront Function.
	Lambda bool
}

// A CDNFunction is a cdn-function resource as a CloudFront Function.
type CDNFunction struct {
	Name, Runtime string
	// ETag is its source's version.
	ETag string
	// KeyValueStore is the store's name, or "".
	KeyValueStore string
	Modified      time.Time
}

// TestResult is what TestFunction reports, as `verge test-function`
// prints it (cff.TestResult).
type TestResult struct {
	ComputeUtilization    string
	FunctionExecutionLogs []string
	FunctionErrorMessage  string
	FunctionOutput        string
}

// CloudFront returns the CloudFront service (REST-XML) over cdn:
// distributions, invalidations (kept in memory: Verge's complete at once)
// and cdn-functions.
func CloudFront(cdn CDN) *Service {
	c := &cloudFront{cdn: cdn, invalidations: map[string][]*invalidation{}}
	dist, fn := c.distResource, cfFunctionResource
	ops := []Operation{
		{Name: "ListDistributions", Pattern: "GET " + pathDistributions, Handle: c.listDistributions},
		{Name: "GetDistribution", Pattern: "GET " + pathDistribution, Resources: dist(pathID), Handle: c.getDistribution},
		{Name: "CreateInvalidation", Pattern: "POST " + pathInvalidations, Resources: dist(pathDistID), Handle: c.createInvalidation},
		{Name: "GetInvalidation", Pattern: "GET " + pathInvalidation, Resources: dist(pathDistID), Handle: c.getInvalidation},
		{Name: "ListInvalidations", Pattern: "GET " + pathInvalidations, Resources: dist(pathDistID), Handle: c.listInvalidations},
		{Name: "ListFunctions", Pattern: "GET " + pathCFFunctions, Handle: c.listFunctions},
		{Name: "DescribeFunction", Pattern: "GET " + pathCFFunctionOf + "/describe", Resources: fn, Handle: c.describeFunction},
		{Name: "TestFunction", Pattern: "POST " + pathCFFunctionOf + "/test", Resources: fn, Handle: c.testFunction},
	}
	for i := range ops {
		ops[i].Action = "cloudfront:" + ops[i].Name
	}
	return &Service{Name: "cloudfront", Protocol: RESTXML, Ops: ops}
}

// cloudFront serves CloudFront's operations.
type cloudFront struct {
	cdn CDN

	mu sync.Mutex
	// invalidations are by distribution name, newest first.
	invalidations map[string][]*invalidation
}

// idEncoding writes ids in CloudFront's alphabet: upper-case letters and
// digits.
var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// DistributionID is the Id of the distribution named name: stable across
// restarts and plans, shaped like CloudFront's (E and 13 characters).
func DistributionID(name string) string { return "E" + hashID("verge distribution "+name) }

// hashID is 13 characters of CloudFront's alphabet derived from s.
func hashID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return idEncoding.EncodeToString(sum[:])[:13]
}

// distribution finds a distribution by its Id or, for convenience, its
// resource name.
func (c *cloudFront) distribution(id string) (Distribution, error) {
	for _, d := range c.cdn.Distributions() {
		if DistributionID(d.Name) == id || d.Name == id {
			return d, nil
		}
	}
	return Distribution{}, errNoSuchDistribution.With("The specified distribution does not exist.")
}

// distResource is the ARN of the distribution in the path's field, named
// by its Id even when the request names it by resource name.
func (c *cloudFront) distResource(field string) func(r *http.Request) []string {
	return func(r *http.Request) []string {
		id := r.PathValue(field)
		if d, err := c.distribution(id); err == nil {
			id = DistributionID(d.Name)
		}
		return []string{arn.Distribution(id)}
	}
}

// cfFunctionResource is the ARN of the function in the path.
func cfFunctionResource(r *http.Request) []string {
	return []string{arn.CloudFrontFunction(r.PathValue(pathCFFunction))}
}

// cfPage reads Marker (an offset Verge gave) and MaxItems.
func cfPage(n int, r *http.Request) (from, to int, next string, size int, err error) {
	q := r.URL.Query()
	size = cfDefaultMaxItems
	if s := q.Get("MaxItems"); s != "" {
		if size, err = strconv.Atoi(s); err != nil || size < 1 {
			return 0, 0, "", 0, errInvalidArgument.With("MaxItems must be a positive integer: " + s)
		}
	}
	from, to, next, ok := offsetPage(n, q.Get("Marker"), size)
	if !ok {
		return 0, 0, "", 0, errInvalidArgument.With("The Marker is not valid: " + q.Get("Marker"))
	}
	return from, to, next, size, nil
}

// writeCF writes a successful CloudFront response.
func writeCF(w http.ResponseWriter, status int, v any) error {
	b, err := xml.Marshal(v)
	if err != nil {
		return ErrInternal.With("encoding the response: " + err.Error())
	}
	w.Header().Set("Content-Type", contentXML)
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	w.Write(b)
	return nil
}

// cfTime is CloudFront's timestamp format.
func cfTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
