package cache

import (
	"iter"
	"math"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/cachecontrol/cacheobject"
)

// TTLPolicy is a CloudFront cache policy's TTLs. The zero value caches
// nothing fresh, like CloudFront's CachingDisabled managed policy.
type TTLPolicy struct{ Min, Default, Max time.Duration }

// normalized makes p usable by Decide: negative TTLs count as zero and, when
// Min exceeds Max (CloudFront rejects such a policy), Max wins, since caching
// for less time is the safer reading.
func (p TTLPolicy) normalized() TTLPolicy {
	p.Min, p.Default, p.Max = max(p.Min, 0), max(p.Default, 0), max(p.Max, 0)
	p.Min = min(p.Min, p.Max)
	return p
}

// clamp applies CloudFront's minimum and maximum TTL to a lifetime.
func (p TTLPolicy) clamp(d time.Duration) time.Duration {
	return min(max(d, p.Min), p.Max)
}

// Decision is what a shared cache does with one origin response.
type Decision struct {
	// Store reports whether to store the response. When false, every other
	// field but Reason is zero.
	Store bool
	// Reason says why the response is not stored: "no-store", "private",
	// "no-cache", "status 206", "vary *", "set-cookie" or "authorization".
	Reason string
	// TTL is the freshness lifetime after CloudFront's min/default/max clamp.
	// It counts from the origin's clock: the response is fresh while its
	// Age (see Age) is below TTL; the response's initial age is not
	// subtracted here.
	TTL time.Duration
	// InitialAge is RFC 9111 §4.2.3 corrected_initial_age at responseTime.
	InitialAge time.Duration
	// StaleWhileRevalidate is the RFC 5861 §3 window past TTL in which a stale
	// response may be served while it is revalidated; 0 if absent.
	StaleWhileRevalidate time.Duration
	// StaleIfError is the RFC 5861 §4 window past TTL in which a stale
	// response may stand in for an origin error; 0 if absent.
	StaleIfError time.Duration
	// MustRevalidate forbids serving the response stale: must-revalidate
	// (RFC 9111 §5.2.2.2), proxy-revalidate (§5.2.2.8), or s-maxage, which
	// implies proxy-revalidate (§5.2.2.10). It overrides the stale windows.
	MustRevalidate bool
}

// errorCachingMinTTL is CloudFront's default Error Caching Minimum TTL: how
// long it caches a 4xx/5xx response (docs: "Control how long CloudFront
// caches errors").
const errorCachingMinTTL = 10 * time.Second

// maxDeltaSeconds is where RFC 9111 §1.2.2 caps delta-seconds that overflow.
const maxDeltaSeconds = 1 << 31

// statusClass is how Decide treats a response status code.
type statusClass uint8

const (
	statusUncacheable statusClass = iota // never stored
	statusCacheable                      // stored; Default TTL without explicit freshness
	statusExplicit                       // stored only with explicit freshness
	statusError                          // stored; CloudFront error caching TTL
)

// classify returns how Decide treats status. The cacheable set is RFC 9110
// §15.1's heuristically cacheable codes, less 206 (Verge serves ranges from a
// full object) and the error codes that CloudFront's error caching governs
// (400, 403, 404, 405, 414, 500, 501, 502, 503, 504; CloudFront does not
// cache 416). 302 and 307 need explicit freshness (RFC 9111 §3 and §4.2.2).
func classify(status int) statusClass {
	switch status {
	case http.StatusOK, http.StatusNonAuthoritativeInfo, http.StatusNoContent,
		http.StatusMultipleChoices, http.StatusMovedPermanently,
		http.StatusPermanentRedirect, http.StatusGone:
		return statusCacheable
	case http.StatusFound, http.StatusTemporaryRedirect:
		return statusExplicit
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound,
		http.StatusMethodNotAllowed, http.StatusRequestURITooLong,
		http.StatusInternalServerError, http.StatusNotImplemented,
		http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return statusError
	}
	return statusUncacheable
}

// Decide applies RFC 9111 §3 (storing) and §4.2 (freshness) for a SHARED
// cache, with CloudFront's TTL rules, to a response to a GET or HEAD request.
// reqHeader is the client request's header, status and respHeader the
// origin's response, requestTime and responseTime when the request was sent
// and the response headers received. Decide does not modify its arguments.
//
// Storing, in this order of precedence:
//   - Status: see classify. 302 and 307 are stored only with max-age,
//     s-maxage or Expires.
//   - "Vary: *" is never stored: no request can match it (RFC 9111 §4.1).
//   - Set-Cookie is never stored. This is Verge's choice, stricter than RFC
//     9111, which lets a shared cache store it: a shared cache must not hand
//     one viewer's cookie to another.
//   - A request with Authorization is stored only if the response has public,
//     s-maxage or must-revalidate (RFC 9111 §3.5).
//   - no-store (§5.2.2.5), private (§5.2.2.7) and no-cache (§5.2.2.4) stop
//     storing when Min is 0. When Min > 0, CloudFront stores the response for
//     Min anyway ("If your minimum TTL is greater than 0, CloudFront will
//     cache content for at least the duration specified in the cache
//     policy's minimum TTL, even if the Cache-Control: no-cache, no-store, or
//     private directives are present"); so does Decide, with TTL = Min.
//     private and no-cache with field names count as the bare directive: we
//     do not strip the named fields, so we store none of the response. With
//     must-understand, no-store is ignored for the status codes we store
//     (§5.2.2.3). The client's own Cache-Control, no-store included, is
//     ignored here as CloudFront does; see ParseRequest.
//
// Freshness lifetime (§4.2.1), then CloudFront's clamp to [Min, Max]:
// s-maxage, else max-age, else Expires minus Date (the response time when
// Date is absent or invalid), else Default. CloudFront does not apply the
// §4.2.2 heuristic (10% of the time since Last-Modified) and neither do we:
// a response without explicit freshness gets Default. An invalid or negative
// max-age or s-maxage, an invalid Expires (such as "0", §5.3), or duplicate
// directives or Expires lines that disagree (§4.2.1) mean already stale:
// a lifetime of 0.
//
// Error statuses follow CloudFront's error caching instead: the lifetime is
// the larger of the explicit one (if any) and 10 s, capped at Max but not
// raised to Min ("CloudFront caches the error response for the greater of
// the value in the header or Error Caching Minimum TTL"; "max-age values
// can't be greater than the maximum TTL").
//
// The policy is normalized first: negative TTLs count as 0, and Min is
// lowered to Max when it exceeds it.
func Decide(reqHeader http.Header, status int, respHeader http.Header, requestTime, responseTime time.Time, p TTLPolicy) Decision {
	p = p.normalized()
	cc := parseResponseDirectives(respHeader)
	lifetime, explicit := explicitLifetime(cc, respHeader, responseTime)

	class := classify(status)
	if class == statusUncacheable || class == statusExplicit && !explicit {
		return Decision{Reason: "status " + strconv.Itoa(status)}
	}
	if varyStar(respHeader) {
		return Decision{Reason: "vary *"}
	}
	if len(respHeader.Values("Set-Cookie")) > 0 {
		return Decision{Reason: "set-cookie"}
	}
	if len(reqHeader.Values("Authorization")) > 0 && !cc.public && !cc.sMaxAgeValid && !cc.mustRevalidate {
		return Decision{Reason: "authorization"}
	}

	d := Decision{
		Store:                true,
		InitialAge:           initialAge(respHeader, requestTime, responseTime),
		StaleWhileRevalidate: cc.staleWhileRevalidate,
		StaleIfError:         cc.staleIfError,
		MustRevalidate:       cc.mustRevalidate || cc.proxyRevalidate || cc.sMaxAge >= 0,
	}
	if reason := cc.restriction(); reason != "" {
		if p.Min == 0 {
			return Decision{Reason: reason}
		}
		d.TTL = p.Min
		// CloudFront serves it for Min without asking the origin, no-cache or not.
		return d
	}
	switch {
	case class == statusError:
		d.TTL = min(max(lifetime, errorCachingMinTTL), p.Max)
	case explicit:
		d.TTL = p.clamp(lifetime)
	default:
		d.TTL = p.clamp(p.Default)
	}
	return d
}

// Age returns the current age of a stored response (RFC 9111 §4.2.3):
// initialAge plus the time it has been resident since responseTime. It is
// never negative, even if the clock stepped back.
func Age(initialAge time.Duration, responseTime, now time.Time) time.Duration {
	return addSat(max(initialAge, 0), max(now.Sub(responseTime), 0))
}

// initialAge is RFC 9111 §4.2.3 corrected_initial_age:
//
//	apparent_age = max(0, response_time - date_value)
//	response_delay = response_time - request_time
//	corrected_age_value = age_value + response_delay
//	corrected_initial_age = max(apparent_age, corrected_age_value)
//
// A missing or invalid Date makes apparent_age 0 (the response time stands in
// for it, RFC 9110 §6.6.1); a missing or invalid Age counts as 0. A response
// delay below zero (clock steps) counts as 0.
func initialAge(h http.Header, requestTime, responseTime time.Time) time.Duration {
	var apparent time.Duration
	if date, ok := headerTime(h, "Date"); ok {
		apparent = max(responseTime.Sub(date), 0)
	}
	var ageValue time.Duration
	if v := h.Values("Age"); len(v) > 0 {
		if secs, ok := parseDeltaSeconds(v[0]); ok {
			ageValue = time.Duration(secs) * time.Second
		}
	}
	delay := max(responseTime.Sub(requestTime), 0)
	return max(apparent, addSat(ageValue, delay))
}

// explicitLifetime returns the freshness lifetime that the response states
// (RFC 9111 §4.2.1: s-maxage for a shared cache, else max-age, else Expires
// minus Date), and whether it states one.
func explicitLifetime(cc responseDirectives, h http.Header, responseTime time.Time) (time.Duration, bool) {
	switch {
	case cc.sMaxAge >= 0:
		return cc.sMaxAge, true
	case cc.maxAge >= 0:
		return cc.maxAge, true
	}
	expires := h.Values("Expires")
	if len(expires) == 0 {
		return 0, false
	}
	exp, err := http.ParseTime(textproto.TrimString(expires[0]))
	if err != nil {
		return 0, true // §5.3: an invalid Expires, like "0", is in the past
	}
	for _, v := range expires[1:] {
		if t, err := http.ParseTime(textproto.TrimString(v)); err != nil || !t.Equal(exp) {
			return 0, true // §4.2.1: conflicting Expires lines mean stale
		}
	}
	date, ok := headerTime(h, "Date")
	if !ok {
		date = responseTime
	}
	return max(exp.Sub(date), 0), true
}

// headerTime parses the first line of an HTTP-date field (RFC 9110 §5.6.7).
func headerTime(h http.Header, name string) (time.Time, bool) {
	v := h.Values(name)
	if len(v) == 0 {
		return time.Time{}, false
	}
	t, err := http.ParseTime(textproto.TrimString(v[0]))
	return t, err == nil
}

// varyStar reports whether Vary lists "*" (RFC 9110 §12.5.5), on any line.
func varyStar(h http.Header) bool {
	for _, line := range h.Values("Vary") {
		for member := range strings.SplitSeq(line, ",") {
			if textproto.TrimString(member) == "*" {
				return true
			}
		}
	}
	return false
}

// responseDirectives are the response Cache-Control directives Decide uses.
// Durations are -1 when absent.
type responseDirectives struct {
	maxAge, sMaxAge                    time.Duration
	staleWhileRevalidate, staleIfError time.Duration
	sMaxAgeValid                       bool // s-maxage present with a valid value
	noStore, mustUnderstand            bool
	private, noCache                   bool
	public                             bool
	mustRevalidate, proxyRevalidate    bool
}

// restriction names the directive that keeps a shared cache from storing the
// response, or returns "".
func (cc responseDirectives) restriction() string {
	switch {
	case cc.noStore && !cc.mustUnderstand:
		// §5.2.2.3: a cache that implements the status code's caching rules
		// ignores no-store when must-understand is present; Decide stores
		// only status codes it implements.
		return "no-store"
	case cc.private:
		return "private"
	case cc.noCache:
		return "no-cache"
	}
	return ""
}

// parseResponseDirectives parses every Cache-Control line of h.
//
// cacheobject stops at the first malformed directive and returns nothing, so
// "max-age=x, no-store" would lose no-store. We split the field into
// directives ourselves and parse each one alone; a directive that fails to
// parse is read conservatively by name (see badDirective).
func parseResponseDirectives(h http.Header) responseDirectives {
	cc := responseDirectives{maxAge: -1, sMaxAge: -1, staleWhileRevalidate: -1, staleIfError: -1}
	for _, line := range h.Values("Cache-Control") {
		for directive := range directives(line) {
			name := directiveName(directive)
			if name == "must-understand" {
				// cacheobject predates RFC 9111 and files it as an extension.
				cc.mustUnderstand = true
				continue
			}
			if !responseDirectiveNames[name] {
				continue // §5.2.3: ignore the rest, and don't pay to parse it
			}
			rd, err := cacheobject.ParseResponseCacheControl(directive)
			if err != nil {
				cc.badDirective(name)
				continue
			}
			cc.merge(rd)
		}
	}
	cc.staleWhileRevalidate = max(cc.staleWhileRevalidate, 0)
	cc.staleIfError = max(cc.staleIfError, 0)
	return cc
}

// responseDirectiveNames are the response directives Decide reads.
var responseDirectiveNames = map[string]bool{
	"max-age": true, "s-maxage": true, "no-store": true, "no-cache": true,
	"private": true, "public": true, "must-revalidate": true,
	"proxy-revalidate": true, "stale-while-revalidate": true, "stale-if-error": true,
}

// requestDirectiveNames are the request directives ParseRequest reads.
var requestDirectiveNames = map[string]bool{
	"max-age": true, "max-stale": true, "min-fresh": true,
	"no-cache": true, "no-store": true, "only-if-cached": true,
}

// merge adds one parsed directive to cc. A duration directive seen twice with
// different values makes the response stale (RFC 9111 §4.2.1) or, for the
// RFC 5861 windows, absent.
func (cc *responseDirectives) merge(rd *cacheobject.ResponseCacheDirectives) {
	cc.noStore = cc.noStore || rd.NoStore
	cc.public = cc.public || rd.Public
	cc.private = cc.private || rd.PrivatePresent
	cc.noCache = cc.noCache || rd.NoCachePresent
	cc.mustRevalidate = cc.mustRevalidate || rd.MustRevalidate
	cc.proxyRevalidate = cc.proxyRevalidate || rd.ProxyRevalidate
	if rd.SMaxAge >= 0 {
		cc.sMaxAgeValid = cc.sMaxAge < 0 || cc.sMaxAgeValid && cc.sMaxAge == seconds(rd.SMaxAge)
		cc.sMaxAge = mergeDuration(cc.sMaxAge, seconds(rd.SMaxAge))
	}
	if rd.MaxAge >= 0 {
		cc.maxAge = mergeDuration(cc.maxAge, seconds(rd.MaxAge))
	}
	if rd.StaleWhileRevalidate >= 0 {
		cc.staleWhileRevalidate = mergeDuration(cc.staleWhileRevalidate, seconds(rd.StaleWhileRevalidate))
	}
	if rd.StaleIfError >= 0 {
		cc.staleIfError = mergeDuration(cc.staleIfError, seconds(rd.StaleIfError))
	}
}

// badDirective records a directive named name that failed to parse (a bad
// value, an argument where none is allowed, an unterminated quote), reading
// it the way that caches less: max-age and s-maxage become 0 (stale, RFC 9111
// §4.2.1), restrictive flags count as present, and public and the RFC 5861
// windows are ignored.
func (cc *responseDirectives) badDirective(name string) {
	switch name {
	case "max-age":
		cc.maxAge = 0
	case "s-maxage":
		cc.sMaxAge, cc.sMaxAgeValid = 0, false
	case "no-store":
		cc.noStore = true
	case "private":
		cc.private = true
	case "no-cache":
		cc.noCache = true
	case "must-revalidate":
		cc.mustRevalidate = true
	case "proxy-revalidate":
		cc.proxyRevalidate = true
	}
}

// mergeDuration combines a duration directive seen before (old, -1 if not)
// with a new occurrence v: disagreeing duplicates give 0.
func mergeDuration(old, v time.Duration) time.Duration {
	if old >= 0 && old != v {
		return 0
	}
	return v
}

// seconds converts cacheobject's delta-seconds, already capped at 2^31-1.
func seconds(ds cacheobject.DeltaSeconds) time.Duration {
	return time.Duration(ds) * time.Second
}

// RequestDirectives are the client's request Cache-Control directives that a
// CDN may honour (RFC 9111 §5.2.1). CloudFront ignores them by default, and
// so does Decide; the engine decides which to apply. Durations are -1 when
// absent.
type RequestDirectives struct {
	// NoCache asks for validation with the origin before a stored response
	// is used (§5.2.1.4).
	NoCache bool
	// NoStore asks that neither request nor response be stored (§5.2.1.5).
	NoStore bool
	// MaxAge is the largest age the client accepts (§5.2.1.1).
	MaxAge time.Duration
	// MaxStale is how far past its freshness the client accepts a response
	// (§5.2.1.2); max-stale without a value accepts any staleness and is
	// reported as the largest Duration.
	MaxStale time.Duration
	// MinFresh is how long a response must stay fresh for the client to
	// accept it (§5.2.1.3).
	MinFresh time.Duration
	// OnlyIfCached asks for a stored response or a 504 (§5.2.1.7).
	OnlyIfCached bool
}

// ParseRequest parses the Cache-Control lines of a client request header.
// Malformed directives are read conservatively: an invalid max-age is 0
// (the client wants a fresh response), an invalid max-stale or min-fresh is
// ignored, and a flag directive given an argument still counts. Like Decide,
// it reads each directive on its own, so one bad directive loses no other.
func ParseRequest(h http.Header) RequestDirectives {
	r := RequestDirectives{MaxAge: -1, MaxStale: -1, MinFresh: -1}
	for _, line := range h.Values("Cache-Control") {
		for directive := range directives(line) {
			name := directiveName(directive)
			if !requestDirectiveNames[name] {
				continue // RFC 9111 §5.2.3: unrecognized directives are ignored
			}
			rd, err := cacheobject.ParseRequestCacheControl(directive)
			if err != nil {
				switch name {
				case "max-age":
					r.MaxAge = 0
				case "no-cache":
					r.NoCache = true
				case "no-store":
					r.NoStore = true
				case "only-if-cached":
					r.OnlyIfCached = true
				}
				continue
			}
			r.NoCache = r.NoCache || rd.NoCache
			r.NoStore = r.NoStore || rd.NoStore
			r.OnlyIfCached = r.OnlyIfCached || rd.OnlyIfCached
			if rd.MaxAge >= 0 {
				r.MaxAge = seconds(rd.MaxAge)
			}
			if rd.MinFresh >= 0 {
				r.MinFresh = seconds(rd.MinFresh)
			}
			switch {
			case rd.MaxStale >= 0:
				r.MaxStale = seconds(rd.MaxStale)
			case rd.MaxStaleSet:
				r.MaxStale = math.MaxInt64
			}
		}
	}
	return r
}

// directives yields the directives of a Cache-Control line (RFC 9111 §5.2):
// the pieces between commas, keeping commas inside quoted strings such as
// no-cache="Set-Cookie, X-Id". White space outside quotes also separates
// pieces: it is invalid inside a directive, and cutting there hands
// cacheobject at most one quoted string per call, which keeps parsing linear
// (cacheobject copies the rest of its input for every quoted string, so a
// long line of space-separated quoted values would cost quadratic time). An
// unterminated quote runs to the end of the line.
func directives(line string) iter.Seq[string] {
	return func(yield func(string) bool) {
		start, quoted := 0, false
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case quoted && c == '\\':
				i++
			case c == '"':
				quoted = !quoted
			case !quoted && (c == ',' || c == ' ' || c == '\t'):
				if start < i && !yield(line[start:i]) {
					return
				}
				start = i + 1
			}
		}
		if start < len(line) {
			yield(line[start:])
		}
	}
}

// directiveName is the lower-cased name of a directive: the token before "=".
func directiveName(directive string) string {
	name, _, _ := strings.Cut(directive, "=")
	return strings.ToLower(name)
}

// parseDeltaSeconds parses delta-seconds (RFC 9111 §1.2.2): digits only,
// capped at 2^31 when larger.
func parseDeltaSeconds(s string) (int64, bool) {
	s = textproto.TrimString(s)
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < maxDeltaSeconds {
			n = n*10 + int64(c-'0')
		}
	}
	return min(n, maxDeltaSeconds), true
}

// addSat adds two non-negative durations, saturating instead of overflowing
// (RFC 9111 §1.2.2 asks caches not to wrap around).
func addSat(a, b time.Duration) time.Duration {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// Merge304 updates stored headers with those of a 304 response (RFC 9111
// §3.2, §4.3.4): every field in the 304 replaces the stored one, except
// Content-Length, Content-Encoding, Transfer-Encoding and Content-Range,
// which describe the stored body and are kept, and hop-by-hop fields (RFC
// 9110 §7.6.1), which are never stored. A stored Age the 304 does not
// repeat is dropped: Age estimates the time since the origin last generated
// or validated the response (§5.1), and the 304 is that validation.
// Merge304 returns a new header map and does not modify its arguments.
func Merge304(stored, notModified http.Header) http.Header {
	out := stored.Clone()
	if out == nil {
		out = make(http.Header, len(notModified))
	}
	listed := connectionListed(notModified)
	for k, vs := range notModified {
		ck := http.CanonicalHeaderKey(k)
		if len(vs) == 0 || keptOn304[ck] || hopByHop[ck] || slices.Contains(listed, ck) {
			continue
		}
		for sk := range out {
			if sk != ck && strings.EqualFold(sk, ck) {
				delete(out, sk) // a non-canonical spelling of the same field
			}
		}
		out[ck] = slices.Clone(vs)
	}
	if len(notModified.Values("Age")) == 0 {
		delete(out, "Age")
	}
	return out
}

// keptOn304 are the stored fields a 304 never replaces: they describe the
// stored body's framing and coding, not the representation (RFC 9111 §3.2).
var keptOn304 = map[string]bool{
	"Content-Length":    true,
	"Content-Encoding":  true,
	"Transfer-Encoding": true,
	"Content-Range":     true,
}

// hopByHop are connection-specific fields (RFC 9110 §7.6.1) and the proxy
// fields RFC 9111 §3.1 forbids storing.
var hopByHop = map[string]bool{
	"Connection":                true,
	"Proxy-Connection":          true,
	"Keep-Alive":                true,
	"Te":                        true,
	"Trailer":                   true,
	"Transfer-Encoding":         true,
	"Upgrade":                   true,
	"Proxy-Authenticate":        true,
	"Proxy-Authentication-Info": true,
	"Proxy-Authorization":       true,
}

// connectionListed returns the canonical field names listed in Connection,
// which are hop-by-hop for this message (RFC 9110 §7.6.1).
func connectionListed(h http.Header) []string {
	var names []string
	for _, line := range h.Values("Connection") {
		for name := range strings.SplitSeq(line, ",") {
			if name = textproto.TrimString(name); name != "" {
				names = append(names, http.CanonicalHeaderKey(name))
			}
		}
	}
	return names
}

// Compressible reports whether a Content-Type is worth compressing: text,
// JSON, JavaScript, XML (and any +json or +xml type, such as SVG), wasm and
// uncompressed fonts. Images, audio, video, archives, WOFF fonts and other
// already-compressed types are not, nor is text/event-stream, which streams
// and must reach the client unbuffered. Parameters and case are ignored. It
// runs on every response, so it never allocates.
func Compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	typ, sub, ok := strings.Cut(textproto.TrimString(mt), "/")
	if !ok || typ == "" || sub == "" {
		return false
	}
	if hasSuffixFold(sub, "+json") || hasSuffixFold(sub, "+xml") {
		return true
	}
	switch {
	case equalFold(typ, "text"):
		return !equalFold(sub, "event-stream")
	case equalFold(typ, "application"):
		return oneOfFold(sub, compressibleApplication)
	case equalFold(typ, "font"):
		return oneOfFold(sub, compressibleFont)
	case equalFold(typ, "image"):
		return oneOfFold(sub, compressibleImage)
	}
	return false
}

// compressibleApplication are the application/* subtypes worth compressing
// besides +json and +xml: CloudFront's list of compressed file types, plus
// a few text formats.
var compressibleApplication = []string{
	"javascript", "x-javascript", "ecmascript", "x-ecmascript",
	"json", "x-ndjson", "xml", "wasm",
	"vnd.ms-fontobject", "font-sfnt", "x-font-ttf", "x-font-truetype",
	"x-font-opentype", "x-font-otf",
	"eot", "otf", "ttf", "truetype", "opentype", "x-otf", "x-ttf", "x-opentype",
	"vnd.apple.mpegurl", "x-mpegurl", "x-sh", "x-csh", "x-perl",
	"yaml", "x-yaml", "toml", "graphql", "rtf", "x-www-form-urlencoded",
}

// compressibleFont are the font/* subtypes not already compressed (WOFF and
// WOFF2 are).
var compressibleFont = []string{"ttf", "otf", "sfnt", "collection", "eot"}

// compressibleImage are the image/* subtypes that are uncompressed bitmaps
// or text (SVG is matched by its +xml suffix).
var compressibleImage = []string{"x-icon", "vnd.microsoft.icon"}

// oneOfFold reports whether s equals one of set, ignoring ASCII case.
func oneOfFold(s string, set []string) bool {
	for _, v := range set {
		if equalFold(s, v) {
			return true
		}
	}
	return false
}

// equalFold is strings.EqualFold with a length check first, which rejects
// most candidates without looking at a byte.
func equalFold(s, t string) bool {
	return len(s) == len(t) && strings.EqualFold(s, t)
}

// hasSuffixFold reports whether s ends with suffix, ignoring ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
