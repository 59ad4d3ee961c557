package awsapi

import (
	"cmp"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/sigv4"
	"github.com/verge-edge/verge/internal/uid"
)

// A Service is one AWS service Verge serves: its signing name, protocol
// and operations.
type Service struct {
	// Name is the SigV4 signing name: "lambda", "events".
	Name     string
	Protocol Protocol
	// AlsoQuery makes a JSON service answer the query protocol too, for
	// requests in its shape (a form or an Action, no X-Amz-Target): SQS.
	AlsoQuery bool
	// AlsoCBOR makes a JSON service answer AWS's CBOR protocol too, for
	// requests whose Content-Type is application/x-amz-cbor-1.1: Kinesis,
	// which the Java SDKs and the KCL call in CBOR.
	AlsoCBOR bool
	// Target is a JSON protocol's X-Amz-Target prefix, dot included
	// ("AWSEvents.").
	Target string
	// Ops are the operations served. A REST service's are matched by
	// Pattern (or Pick), the others' by Name.
	Ops []Operation
	// Pick chooses the operation of a request for a service whose
	// operations are told apart by more than method and path (S3: by
	// query parameters and headers, and by virtual-host addressing). When
	// set it replaces Pattern matching; an error is written in the
	// service's protocol.
	Pick func(r *http.Request) (*Operation, *Error)
	// Claim says whether an unsigned request (no SigV4 in the header or
	// the query) is this service's: S3 claims a browser's POST-policy
	// upload to one of its buckets. Nil claims none.
	Claim func(r *http.Request) bool
	// StreamBody verifies a signed payload hash while the handler reads
	// the body rather than before (objects are not held in memory), and
	// decodes aws-chunked bodies (STREAMING-*), verifying each chunk's
	// signature and the trailer's. See sigv4.Stream for what the handler
	// then sees.
	StreamBody bool

	mux      *http.ServeMux        // REST: the ops by pattern
	byName   map[string]*Operation // JSON and query: the ops by name
	prefixes []string              // REST: the paths' first segments ("/2015-03-31/")
}

// An Operation is one API operation of a Service.
type Operation struct {
	// Name is the operation's name in the API reference: "GetFunction".
	Name string
	// Pattern is a REST operation's method and path, as http.ServeMux
	// reads it ("GET /2015-03-31/functions/{FunctionName}"); "" otherwise.
	Pattern string
	// Target is the operation's X-Amz-Target prefix when it is not the
	// service's: DynamoDB Streams shares DynamoDB's signing name.
	Target string
	// Action is the IAM action the Authorizer checks: "lambda:GetFunction".
	// "" leaves the decision to Also's grants alone (DynamoDB's
	// transactions need each item's action; there is no action of their
	// own).
	Action string
	// Resources computes the ARNs of the resources r acts on; nil, or an
	// empty result, is "*" (an action on no resource in particular).
	Resources func(r *http.Request) []string
	// Also are further actions on further resources the caller must be
	// allowed, each checked on its own: CopyObject writes its target
	// (Action, Resources) and reads its source (s3:GetObject).
	Also func(r *http.Request) []Grant
	// Handle serves the operation; the error it returns, an *Error or any
	// other, is written in the service's protocol.
	Handle Handler
	// Authenticate replaces SigV4 for an operation whose request carries
	// credentials of its own (S3's POST policy form): it returns the
	// caller, or the error to write. Needs the service's Pick.
	Authenticate func(r *http.Request, ids *identity.Store, now time.Time) (identity.Identity, *Error)
}

// A Grant is an action on resources, as an Authorizer checks it.
type Grant struct {
	Action    string
	Resources []string
}

// A Handler serves an operation. It writes a successful response itself
// and returns an error for the Router to write.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Options configure a Router.
type Options struct {
	// Identities resolves credentials to callers.
	Identities *identity.Store
	// Authorizer decides what callers may do; nil allows everything.
	Authorizer Authorizer
	// Fallback serves what is not an AWS request (the admin API).
	Fallback http.Handler
	// Logger gets refused requests, at debug level; nil for none.
	Logger *slog.Logger
	// Now is the clock signatures are checked against; nil for time.Now.
	Now func() time.Time
	// NoAuth takes every request as the admin's, unchecked: for benchmarks
	// that measure without verification, never for a listener.
	NoAuth bool
}

// A Router is Verge's AWS endpoint: it routes requests to Services.
type Router struct {
	opts     Options
	services map[string]*Service
}

// New returns a Router serving services.
func New(o Options, services ...*Service) *Router {
	if o.Authorizer == nil {
		o.Authorizer = AllowAll{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Fallback == nil {
		o.Fallback = http.NotFoundHandler()
	}
	rt := &Router{opts: o, services: map[string]*Service{}}
	for _, s := range services {
		rt.Register(s)
	}
	return rt
}

// Register adds s to the router, replacing a service of the same name. It
// must be called before the router serves.
func (rt *Router) Register(s *Service) {
	s.byName = map[string]*Operation{}
	s.mux = http.NewServeMux()
	seen := map[string]bool{}
	for i := range s.Ops {
		op := &s.Ops[i]
		s.byName[op.Name] = op
		if op.Pattern == "" {
			continue
		}
		h := func(w http.ResponseWriter, r *http.Request) { rt.run(w, r, s, s.Protocol, op) }
		s.mux.HandleFunc(op.Pattern, h)
		// The SDKs send a collection's path with or without its trailing
		// slash; a redirect would break the signature.
		if p, ok := strings.CutSuffix(op.Pattern, "/{$}"); ok {
			s.mux.HandleFunc(p, h)
		}
		if p := firstSegment(op.Pattern); !seen[p] {
			seen[p] = true
			s.prefixes = append(s.prefixes, p)
		}
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, s.Protocol, unknownOperation(s.Name, r.Method+" "+r.URL.Path))
	})
	rt.services[s.Name] = s
}

// firstSegment is "/2015-03-31/" of "GET /2015-03-31/functions/{x}".
func firstSegment(pattern string) string {
	_, path, _ := strings.Cut(pattern, " ")
	if i := strings.IndexByte(path[1:], '/'); i >= 0 {
		return path[:i+2]
	}
	return path
}

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sig, sigErr := sigv4.Parse(r)
	svc, proto, ok := rt.route(r, sig, sigErr)
	if !ok {
		rt.opts.Fallback.ServeHTTP(w, r)
		return
	}
	w.Header().Set(HeaderRequestID, uid.New())
	var op *Operation
	if svc != nil && svc.Pick != nil {
		var e *Error
		if op, e = svc.Pick(r); op == nil {
			if e == nil {
				e = unknownOperation(svc.Name, r.Method+" "+r.URL.Path)
			}
			writeError(w, proto, e)
			return
		}
	}
	id, err := rt.identify(r, svc, op, sig, sigErr)
	if err != nil {
		rt.opts.Logger.Debug("AWS request refused", "path", r.URL.Path, "error", err)
		writeError(w, proto, err)
		return
	}
	r = r.WithContext(identity.NewContext(r.Context(), id))
	if svc == nil {
		writeError(w, proto, ErrUnknownOperation.Withf("Verge does not serve the %s API (operation %s); see docs/aws-api.md for what it serves", serviceName(r, sig), operationName(r, proto)))
		return
	}
	if op != nil {
		rt.run(w, r, svc, proto, op)
		return
	}
	switch svc.Protocol {
	case RESTJSON, RESTXML, S3XML:
		svc.mux.ServeHTTP(w, r) // sets the path values, then run
	default:
		name := operationName(r, proto)
		if op := svc.byName[name]; op != nil && (proto == Query || strings.HasPrefix(r.Header.Get(HeaderTarget), cmp.Or(op.Target, svc.Target))) {
			rt.run(w, r, svc, proto, op)
			return
		}
		writeError(w, proto, unknownOperation(svc.Name, name))
	}
}

// run authorizes and serves one operation.
func (rt *Router) run(w http.ResponseWriter, r *http.Request, s *Service, proto Protocol, op *Operation) {
	id, _ := identity.FromContext(r.Context())
	req := Request{Identity: id, Service: s.Name, Operation: op.Name, Action: op.Action}
	if op.Resources != nil {
		req.Resources = op.Resources(r)
	}
	var err error
	if op.Action != "" {
		err = rt.opts.Authorizer.Authorize(r.Context(), req)
	}
	if op.Also != nil && err == nil {
		for _, g := range op.Also(r) {
			req.Action, req.Resources = g.Action, g.Resources
			if err = rt.opts.Authorizer.Authorize(r.Context(), req); err != nil {
				break
			}
		}
	}
	if err != nil {
		e := ErrAccessDenied.With(err.Error())
		if s.AlsoQuery {
			// A query-compatible SDK reads the query protocol's code.
			e.QueryCode = renamed[Query][e.Code]
		}
		writeError(w, proto, e)
		return
	}
	if err := op.Handle(w, r); err != nil {
		writeError(w, proto, asError(err))
	}
}

// route finds r's service: by the signature's service name, else (a bearer
// token, no credentials, a malformed signature) by the service that claims
// an unsigned request, X-Amz-Target or the path. svc is nil for a service
// Verge knows of but does not serve; ok is false for a request that is
// not an AWS request at all. sig and sigErr are sigv4.Parse's.
func (rt *Router) route(r *http.Request, sig *sigv4.Signature, sigErr error) (svc *Service, p Protocol, ok bool) {
	if sig != nil {
		if s := rt.services[sig.Service]; s != nil {
			return s, s.protocolFor(r), true
		}
		if p, known := unserved[sig.Service]; known {
			return nil, guessProtocol(r, p), true
		}
		if looksAWS(r) {
			return nil, guessProtocol(r, JSON11), true
		}
		return nil, 0, false // signed for something else: the admin API's own
	}
	if s := rt.claimant(r, sigErr); s != nil {
		return s, s.Protocol, true
	}
	if t := r.Header.Get(HeaderTarget); t != "" {
		for _, s := range rt.services {
			if s.hasTarget(t) {
				return s, s.protocolFor(r), true
			}
		}
		return nil, guessProtocol(r, JSON11), true
	}
	for _, s := range rt.services {
		for _, p := range s.prefixes {
			if strings.HasPrefix(r.URL.Path, p) {
				return s, s.Protocol, true
			}
		}
	}
	return nil, 0, false
}

// claimant is the service that claims r, an unsigned request (no SigV4,
// no bearer token): nil for none.
func (rt *Router) claimant(r *http.Request, sigErr error) *Service {
	if !errors.Is(sigErr, sigv4.ErrMissing) || strings.HasPrefix(r.Header.Get("Authorization"), bearerPrefix) {
		return nil
	}
	for _, s := range rt.services {
		if s.Claim != nil && s.Claim(r) {
			return s
		}
	}
	return nil
}

// protocolFor is the protocol s answers r in.
func (s *Service) protocolFor(r *http.Request) Protocol {
	switch {
	case s.AlsoQuery && isQueryRequest(r):
		return Query
	case s.AlsoCBOR && isCBOR(r):
		return CBOR11
	}
	return s.Protocol
}

// isQueryRequest says whether r is in the query protocol's shape: no
// target, and a form body or an Action in the URL.
func isQueryRequest(r *http.Request) bool {
	return r.Header.Get(HeaderTarget) == "" && (strings.HasPrefix(r.Header.Get("Content-Type"), contentForm) || r.URL.Query().Has(ParamAction))
}

// looksAWS says whether an unsigned-for-us request is shaped like an AWS
// JSON or query call (POST / with a target or an action).
func looksAWS(r *http.Request) bool {
	return r.Header.Get(HeaderTarget) != "" || r.URL.Query().Has(ParamAction) || (r.URL.Path == "/" && r.Method == http.MethodPost)
}

// guessProtocol is the protocol of a service Verge does not serve: the
// request's shape says it when it can (SQS speaks JSON and query).
func guessProtocol(r *http.Request, p Protocol) Protocol {
	switch {
	case r.Header.Get(HeaderTarget) != "":
		if strings.HasPrefix(r.Header.Get("Content-Type"), contentJSON10) {
			return JSON10
		}
		return JSON11
	case p == JSON10 || p == JSON11:
		if strings.HasPrefix(r.Header.Get("Content-Type"), contentForm) || r.URL.Query().Has(ParamAction) {
			return Query
		}
	}
	return p
}

// operationName is the operation r names in protocol p's way.
func operationName(r *http.Request, p Protocol) string {
	switch p {
	case JSON10, JSON11, CBOR11:
		t := r.Header.Get(HeaderTarget)
		if _, op, ok := strings.Cut(t, "."); ok {
			return op
		}
		return t
	case Query:
		if a := r.URL.Query().Get(ParamAction); a != "" {
			return a
		}
		return r.PostFormValue(ParamAction)
	}
	return r.Method + " " + r.URL.Path
}

// serviceName is the service r is for: the signature's, else the target's
// prefix.
func serviceName(r *http.Request, sig *sigv4.Signature) string {
	if sig != nil {
		return sig.Service
	}
	t, _, _ := strings.Cut(r.Header.Get(HeaderTarget), ".")
	return t
}

// unknownOperation is the error for an operation a served service does not
// have (or Verge does not serve of it).
func unknownOperation(service, op string) *Error {
	if op == "" {
		op = "(none named)"
	}
	return ErrUnknownOperation.Withf("Verge does not serve the %s operation %s; see docs/aws-api.md for the operations it serves", service, op)
}

// hasTarget says whether X-Amz-Target t names one of s's operations'
// prefixes.
func (s *Service) hasTarget(t string) bool {
	if s.Target != "" && strings.HasPrefix(t, s.Target) {
		return true
	}
	for i := range s.Ops {
		if p := s.Ops[i].Target; p != "" && strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
