package cache

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// t0 is when test responses arrive.
var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// cloudFront is CloudFront's default TTLs (CachingOptimized without its
// 1 s minimum): 0, one day, one year.
var cloudFront = TTLPolicy{Min: 0, Default: 24 * time.Hour, Max: 365 * 24 * time.Hour}

// withMin is cloudFront with a minimum TTL.
var withMin = TTLPolicy{Min: time.Minute, Default: 24 * time.Hour, Max: 365 * 24 * time.Hour}

// hdr builds a header from name, value pairs; a name may repeat.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// httpDate formats t0+d as an HTTP-date.
func httpDate(d time.Duration) string { return t0.Add(d).Format(http.TimeFormat) }

// stored is a Decision that stores with ttl.
func stored(ttl time.Duration) Decision { return Decision{Store: true, TTL: ttl} }

// notStored is a Decision that does not store, for reason.
func notStored(reason string) Decision { return Decision{Reason: reason} }

type decideTest struct {
	name   string
	why    string        // the RFC section or CloudFront rule the case pins
	req    http.Header   // client request header; nil for none
	status int           // 0 means 200
	resp   http.Header   // origin response header
	delay  time.Duration // responseTime - requestTime
	policy *TTLPolicy    // nil means cloudFront
	want   Decision
}

var decideTests = []decideTest{
	// Explicit freshness and its precedence.
	{name: "max-age", why: "RFC 9111 §5.2.2.1; CloudFront: TTL = clamp(max-age, Min, Max)",
		resp: hdr("Cache-Control", "max-age=60"), want: stored(time.Minute)},
	{name: "s-maxage beats max-age", why: "RFC 9111 §4.2.1: a shared cache uses s-maxage first; §5.2.2.10 implies proxy-revalidate",
		resp: hdr("Cache-Control", "max-age=60, s-maxage=30"),
		want: Decision{Store: true, TTL: 30 * time.Second, MustRevalidate: true}},
	{name: "max-age beats Expires", why: "RFC 9111 §5.3: with max-age, Expires is ignored",
		resp: hdr("Cache-Control", "max-age=60", "Date", httpDate(0), "Expires", httpDate(time.Hour)),
		want: stored(time.Minute)},
	{name: "s-maxage beats Expires", why: "RFC 9111 §4.2.1 order: s-maxage, max-age, Expires",
		resp: hdr("Cache-Control", "s-maxage=30", "Expires", httpDate(time.Hour)),
		want: Decision{Store: true, TTL: 30 * time.Second, MustRevalidate: true}},
	{name: "Expires minus Date", why: "RFC 9111 §4.2.1: freshness_lifetime = Expires - Date",
		resp: hdr("Date", httpDate(0), "Expires", httpDate(time.Hour)), want: stored(time.Hour)},
	{name: "Expires minus Date on the origin's clock", why: "RFC 9111 §4.2.1 uses both origin timestamps; the age carries the clock skew",
		resp: hdr("Date", httpDate(-time.Hour), "Expires", httpDate(0)),
		want: Decision{Store: true, TTL: time.Hour, InitialAge: time.Hour}},
	{name: "Expires without Date", why: "RFC 9111 §4.2.1: the time received stands in for a missing Date (RFC 9110 §6.6.1)",
		resp: hdr("Expires", httpDate(2*time.Hour)), want: stored(2 * time.Hour)},
	{name: "Expires with invalid Date", why: "RFC 9110 §6.6.1: an invalid Date is treated as absent",
		resp: hdr("Date", "yesterday", "Expires", httpDate(2*time.Hour)), want: stored(2 * time.Hour)},
	{name: "Expires in RFC 850 form", why: "RFC 9110 §5.6.7: recipients accept the obsolete date formats",
		resp: hdr("Date", "Sunday, 22-Nov-26 12:00:00 GMT", "Expires", "Sunday, 22-Nov-26 12:30:00 GMT"),
		want: stored(30 * time.Minute)},
	{name: "Expires in the past", why: "RFC 9111 §4.2.1: a lifetime below zero is already stale",
		resp: hdr("Date", httpDate(0), "Expires", httpDate(-time.Hour)), want: stored(0)},
	{name: "invalid Expires 0", why: "RFC 9111 §5.3: an invalid Expires, especially 0, is in the past; CloudFront: clamp(0, Min, Max)",
		resp: hdr("Expires", "0"), want: stored(0)},
	{name: "invalid Expires raised to Min", why: "CloudFront: an expired object is still clamped to Min",
		resp: hdr("Expires", "0"), policy: &withMin, want: stored(time.Minute)},
	{name: "conflicting Expires lines", why: "RFC 9111 §4.2.1: duplicate Expires that disagree mean stale",
		resp: hdr("Date", httpDate(0), "Expires", httpDate(time.Hour), "Expires", httpDate(2*time.Hour)), want: stored(0)},

	// CloudFront's min/default/max TTL.
	{name: "no explicit freshness uses Default", why: "CloudFront: without max-age, s-maxage or Expires, TTL = Default",
		resp: hdr(), want: stored(24 * time.Hour)},
	{name: "no Last-Modified heuristic", why: "CloudFront does not apply RFC 9111 §4.2.2's 10% heuristic; it uses Default",
		resp: hdr("Date", httpDate(0), "Last-Modified", httpDate(-1000*time.Hour)), want: stored(24 * time.Hour)},
	{name: "Default clamped to Max", why: "CloudFront: TTL never exceeds Max",
		resp: hdr(), policy: &TTLPolicy{Default: time.Hour, Max: time.Minute}, want: stored(time.Minute)},
	{name: "Default raised to Min", why: "CloudFront: TTL never goes below Min",
		resp: hdr(), policy: &TTLPolicy{Min: time.Hour, Default: time.Minute, Max: 2 * time.Hour}, want: stored(time.Hour)},
	{name: "max-age clamped to Max", why: "CloudFront: clamp(max-age, Min, Max)",
		resp: hdr("Cache-Control", "max-age=31536000"), policy: &TTLPolicy{Max: time.Hour}, want: stored(time.Hour)},
	{name: "max-age raised to Min", why: "CloudFront: clamp(max-age, Min, Max)",
		resp: hdr("Cache-Control", "max-age=5"), policy: &withMin, want: stored(time.Minute)},
	{name: "max-age=0 still stored", why: "RFC 9111 §5.2.2.1: max-age=0 is stale at once but storable for revalidation",
		resp: hdr("Cache-Control", "max-age=0"), want: stored(0)},
	{name: "CachingDisabled policy", why: "CloudFront CachingDisabled (0/0/0): TTL 0",
		resp: hdr("Cache-Control", "max-age=600"), policy: &TTLPolicy{}, want: stored(0)},
	{name: "Min above Max", why: "an invalid policy: Max wins, caching less",
		resp: hdr("Cache-Control", "max-age=600"), policy: &TTLPolicy{Min: time.Hour, Max: time.Minute}, want: stored(time.Minute)},
	{name: "negative policy TTLs count as zero", why: "durations below zero are meaningless",
		resp: hdr(), policy: &TTLPolicy{Min: -time.Hour, Default: -time.Hour, Max: time.Hour}, want: stored(0)},
	{name: "huge max-age", why: "RFC 9111 §1.2.2: an overflowing delta-seconds is capped near 2^31",
		resp: hdr("Cache-Control", "max-age=99999999999999999999"), policy: &TTLPolicy{Max: math.MaxInt64},
		want: stored(math.MaxInt32 * time.Second)},

	// Invalid and duplicate directives.
	{name: "invalid max-age is stale", why: "RFC 9111 §4.2.1 and §1.2.2: read an invalid max-age conservatively, as 0",
		resp: hdr("Cache-Control", "max-age=soon"), want: stored(0)},
	{name: "negative max-age is stale", why: "RFC 9111 §1.2.2: delta-seconds is non-negative",
		resp: hdr("Cache-Control", "max-age=-1"), want: stored(0)},
	{name: "max-age without a value is stale", why: "RFC 9111 §5.2.2.1 requires an argument",
		resp: hdr("Cache-Control", "max-age"), want: stored(0)},
	{name: "invalid max-age beats Expires", why: "RFC 9111 §5.3: a max-age, even a bad one, overrides Expires",
		resp: hdr("Cache-Control", "max-age=x", "Expires", httpDate(time.Hour)), want: stored(0)},
	{name: "quoted max-age", why: "RFC 9111 §5.2: recipients accept the quoted-string form",
		resp: hdr("Cache-Control", `max-age="60"`), want: stored(time.Minute)},
	{name: "directive names ignore case", why: "RFC 9111 §5.2: directives compare case-insensitively",
		resp: hdr("Cache-Control", "Max-Age=60, Public"), want: stored(time.Minute)},
	{name: "conflicting max-age is stale", why: "RFC 9111 §4.2.1: duplicate directives that disagree mean stale",
		resp: hdr("Cache-Control", "max-age=60, max-age=3600"), want: stored(0)},
	{name: "repeated equal max-age", why: "RFC 9111 §4.2.1: no conflict when duplicates agree",
		resp: hdr("Cache-Control", "max-age=60, max-age=60"), want: stored(time.Minute)},
	{name: "bad directive does not hide no-store", why: "RFC 9111 §5.2: each directive stands alone; cacheobject alone would drop the rest",
		resp: hdr("Cache-Control", "max-age=soon, no-store"), want: notStored("no-store")},
	{name: "no-store with an argument", why: "RFC 9111 §5.2.2.5 takes no argument; read it conservatively as present",
		resp: hdr("Cache-Control", "no-store=1, max-age=60"), want: notStored("no-store")},
	{name: "directives across field lines", why: "RFC 9110 §5.3: field lines combine into one list",
		resp: hdr("Cache-Control", "max-age=60", "Cache-Control", "private"), want: notStored("private")},
	{name: "space-separated directives", why: "RFC 9111 §5.2 wants commas; read white space as a separator rather than lose no-store",
		resp: hdr("Cache-Control", "max-age=60 no-store"), want: notStored("no-store")},
	{name: "unterminated quote", why: "a malformed private still counts (conservative reading)",
		resp: hdr("Cache-Control", `max-age=60, private="X-User`), want: notStored("private")},
	{name: "unknown directives ignored", why: "RFC 9111 §5.2.3: caches ignore unrecognized directives",
		resp: hdr("Cache-Control", "max-age=60, foo=bar, immutable, x"), want: stored(time.Minute)},

	// no-store, private, no-cache, and CloudFront's Min override.
	{name: "no-store", why: "RFC 9111 §5.2.2.5; CloudFront with Min 0 does not cache",
		resp: hdr("Cache-Control", "no-store, max-age=60"), want: notStored("no-store")},
	{name: "private", why: "RFC 9111 §5.2.2.7: a shared cache must not store it",
		resp: hdr("Cache-Control", "private, max-age=60"), want: notStored("private")},
	{name: "private with field names", why: "RFC 9111 §5.2.2.7 qualified form, simplified to the bare directive",
		resp: hdr("Cache-Control", `private="X-User", max-age=60`), want: notStored("private")},
	{name: "no-cache", why: "RFC 9111 §5.2.2.4; CloudFront with Min 0 does not cache",
		resp: hdr("Cache-Control", "no-cache"), want: notStored("no-cache")},
	{name: "no-cache with field names", why: "RFC 9111 §5.2.2.4 qualified form, simplified to the bare directive",
		resp: hdr("Cache-Control", `no-cache="Set-Cookie, X-Id", max-age=60`), want: notStored("no-cache")},
	{name: "no-store named before private", why: "the most restrictive directive names the reason",
		resp: hdr("Cache-Control", "no-cache, private, no-store"), want: notStored("no-store")},
	{name: "no-store with Min > 0", why: "CloudFront: with Min > 0, cache for Min even with no-store",
		resp: hdr("Cache-Control", "no-store, max-age=3600"), policy: &withMin, want: stored(time.Minute)},
	{name: "private with Min > 0", why: "CloudFront: with Min > 0, cache for Min even with private",
		resp: hdr("Cache-Control", "private"), policy: &withMin, want: stored(time.Minute)},
	{name: "no-cache with Min > 0", why: "CloudFront: with Min > 0, cache for Min even with no-cache, served without revalidation",
		resp: hdr("Cache-Control", "no-cache"), policy: &withMin, want: stored(time.Minute)},
	{name: "no-cache with field names and Min > 0", why: "RFC 9111 §5.2.2.4: only the bare form forbids unvalidated reuse",
		resp: hdr("Cache-Control", `no-cache="Set-Cookie"`), policy: &withMin, want: stored(time.Minute)},
	{name: "bare and qualified no-cache with Min > 0", why: "CloudFront: Min wins over no-cache in either form",
		resp: hdr("Cache-Control", `no-cache="Set-Cookie", no-cache`), policy: &withMin, want: stored(time.Minute)},
	{name: "must-understand overrides no-store", why: "RFC 9111 §5.2.2.3: a cache that implements the status ignores no-store",
		resp: hdr("Cache-Control", "must-understand, no-store, max-age=60"), want: stored(time.Minute)},
	{name: "must-understand does not override private", why: "RFC 9111 §5.2.2.3 concerns no-store only",
		resp: hdr("Cache-Control", "must-understand, no-store, private"), want: notStored("private")},

	// Authorization.
	{name: "Authorization", why: "RFC 9111 §3.5: not stored without public, s-maxage or must-revalidate",
		req: hdr("Authorization", "Bearer x"), resp: hdr("Cache-Control", "max-age=60"), want: notStored("authorization")},
	{name: "Authorization with public", why: "RFC 9111 §3.5 and §5.2.2.9",
		req: hdr("Authorization", "Bearer x"), resp: hdr("Cache-Control", "public, max-age=60"), want: stored(time.Minute)},
	{name: "Authorization with s-maxage", why: "RFC 9111 §3.5 and §5.2.2.10",
		req: hdr("Authorization", "Bearer x"), resp: hdr("Cache-Control", "s-maxage=60"),
		want: Decision{Store: true, TTL: time.Minute, MustRevalidate: true}},
	{name: "Authorization with must-revalidate", why: "RFC 9111 §3.5 and §5.2.2.2",
		req: hdr("Authorization", "Bearer x"), resp: hdr("Cache-Control", "must-revalidate, max-age=60"),
		want: Decision{Store: true, TTL: time.Minute, MustRevalidate: true}},
	{name: "Authorization with proxy-revalidate", why: "RFC 9111 §3.5 does not list proxy-revalidate",
		req: hdr("Authorization", "Bearer x"), resp: hdr("Cache-Control", "proxy-revalidate, max-age=60"),
		want: notStored("authorization")},
	{name: "Authorization with invalid s-maxage", why: "RFC 9111 §3.5: a malformed s-maxage is no opt-in",
		req: hdr("Authorization", "Bearer x"), resp: hdr("Cache-Control", "s-maxage=forever"), want: notStored("authorization")},
	{name: "Authorization is not overridden by Min", why: "CloudFront's Min override covers only no-cache, no-store and private",
		req: hdr("Authorization", "Bearer x"), resp: hdr(), policy: &withMin, want: notStored("authorization")},
	{name: "empty Authorization still counts", why: "RFC 9111 §3.5: the field's presence is what matters",
		req: hdr("Authorization", ""), resp: hdr("Cache-Control", "max-age=60"), want: notStored("authorization")},

	// Vary and Set-Cookie.
	{name: "Vary *", why: "RFC 9111 §4.1: Vary: * never matches, so storing is useless",
		resp: hdr("Vary", "*", "Cache-Control", "max-age=60"), want: notStored("vary *")},
	{name: "Vary * in a list", why: "RFC 9110 §12.5.5: * as a list member",
		resp: hdr("Vary", "Accept-Encoding", "Vary", "Origin, *"), want: notStored("vary *")},
	{name: "Vary * with Min > 0", why: "Vary * is not one of the directives CloudFront's Min overrides",
		resp: hdr("Vary", "*"), policy: &withMin, want: notStored("vary *")},
	{name: "Vary on a header", why: "RFC 9111 §4.1: stored under a secondary key",
		resp: hdr("Vary", "Accept-Encoding", "Cache-Control", "max-age=60"), want: stored(time.Minute)},
	{name: "Set-Cookie", why: "Verge: a shared cache must not hand one viewer's cookie to another",
		resp: hdr("Set-Cookie", "id=1", "Cache-Control", "public, max-age=60"), policy: &withMin, want: notStored("set-cookie")},

	// Status codes.
	{name: "302 without freshness", why: "RFC 9111 §3: 302 is not heuristically cacheable (RFC 9110 §15.1)",
		status: 302, resp: hdr(), policy: &withMin, want: notStored("status 302")},
	{name: "302 with max-age", why: "RFC 9111 §3: explicit freshness makes it storable",
		status: 302, resp: hdr("Cache-Control", "max-age=60"), want: stored(time.Minute)},
	{name: "307 with Expires", why: "RFC 9111 §3: Expires is explicit freshness",
		status: 307, resp: hdr("Date", httpDate(0), "Expires", httpDate(time.Hour)), want: stored(time.Hour)},
	{name: "307 with invalid Expires", why: "RFC 9111 §5.3: present but already stale",
		status: 307, resp: hdr("Expires", "0"), want: stored(0)},
	{name: "302 with no-store", why: "status is checked first",
		status: 302, resp: hdr("Cache-Control", "no-store"), want: notStored("status 302")},
	{name: "206", why: "Verge serves ranges from full objects and does not store 206",
		status: 206, resp: hdr("Cache-Control", "max-age=60"), want: notStored("status 206")},
	{name: "304", why: "a 304 updates a stored response (RFC 9111 §4.3.4); it is not stored itself",
		status: 304, resp: hdr("Cache-Control", "max-age=60"), want: notStored("status 304")},
	{name: "416", why: "CloudFront doesn't cache 416 responses",
		status: 416, resp: hdr(), want: notStored("status 416")},
	{name: "401", why: "not heuristically cacheable and not a CloudFront cached error",
		status: 401, resp: hdr("Cache-Control", "max-age=60"), want: notStored("status 401")},
	{name: "404 without freshness", why: "CloudFront caches errors for the Error Caching Minimum TTL, 10 s by default",
		status: 404, resp: hdr(), want: stored(10 * time.Second)},
	{name: "503 without freshness ignores Min", why: "CloudFront error caching has its own minimum, not the policy's",
		status: 503, resp: hdr(), policy: &withMin, want: stored(10 * time.Second)},
	{name: "404 with longer max-age", why: "CloudFront: the greater of the header value and the error caching minimum",
		status: 404, resp: hdr("Cache-Control", "max-age=3600"), want: stored(time.Hour)},
	{name: "404 with shorter max-age", why: "CloudFront: the greater of the header value and the error caching minimum",
		status: 404, resp: hdr("Cache-Control", "max-age=5"), want: stored(10 * time.Second)},
	{name: "500 with Expires", why: "CloudFront: Expires counts as a header value for error caching",
		status: 500, resp: hdr("Date", httpDate(0), "Expires", httpDate(time.Minute)), want: stored(time.Minute)},
	{name: "error TTL capped at Max", why: "CloudFront: max-age can't exceed the maximum TTL",
		status: 502, resp: hdr("Cache-Control", "max-age=3600"), policy: &TTLPolicy{Max: 5 * time.Second}, want: stored(5 * time.Second)},
	{name: "error 10 s capped at Max", why: "CloudFront: nothing outlives the maximum TTL",
		status: 504, resp: hdr(), policy: &TTLPolicy{Max: 5 * time.Second}, want: stored(5 * time.Second)},
	{name: "404 with no-store", why: "CloudFront does not cache a 404 with no-store",
		status: 404, resp: hdr("Cache-Control", "no-store"), want: notStored("no-store")},

	// Age (RFC 9111 §4.2.3).
	{name: "Age header does not shorten TTL", why: "RFC 9111 §4.2.3: the engine compares current age against TTL; max-age=60 with Age 50 has ~10 s left",
		resp: hdr("Cache-Control", "max-age=60", "Age", "50"),
		want: Decision{Store: true, TTL: time.Minute, InitialAge: 50 * time.Second}},
	{name: "response delay adds to Age", why: "RFC 9111 §4.2.3: corrected_age_value = age_value + response_delay",
		resp: hdr("Cache-Control", "max-age=60", "Age", "50"), delay: 2 * time.Second,
		want: Decision{Store: true, TTL: time.Minute, InitialAge: 52 * time.Second}},
	{name: "response delay without Age", why: "RFC 9111 §4.2.3: age_value is 0 when absent",
		resp: hdr("Cache-Control", "max-age=60"), delay: 3 * time.Second,
		want: Decision{Store: true, TTL: time.Minute, InitialAge: 3 * time.Second}},
	{name: "apparent age wins", why: "RFC 9111 §4.2.3: corrected_initial_age = max(apparent_age, corrected_age_value)",
		resp: hdr("Cache-Control", "max-age=600", "Date", httpDate(-100*time.Second), "Age", "10"), delay: time.Second,
		want: Decision{Store: true, TTL: 10 * time.Minute, InitialAge: 100 * time.Second}},
	{name: "corrected age wins", why: "RFC 9111 §4.2.3: corrected_initial_age = max(apparent_age, corrected_age_value)",
		resp: hdr("Cache-Control", "max-age=600", "Date", httpDate(-5*time.Second), "Age", "50"), delay: time.Second,
		want: Decision{Store: true, TTL: 10 * time.Minute, InitialAge: 51 * time.Second}},
	{name: "Date in the future", why: "RFC 9111 §4.2.3: apparent_age = max(0, response_time - date_value)",
		resp: hdr("Cache-Control", "max-age=60", "Date", httpDate(time.Hour)), want: stored(time.Minute)},
	{name: "invalid Age ignored", why: "RFC 9111 §5.1: Age is delta-seconds; anything else is not an Age",
		resp: hdr("Cache-Control", "max-age=60", "Age", "ten"), want: stored(time.Minute)},
	{name: "negative Age ignored", why: "RFC 9111 §1.2.2: delta-seconds is non-negative",
		resp: hdr("Cache-Control", "max-age=60", "Age", "-50"), want: stored(time.Minute)},
	{name: "Age list ignored", why: "RFC 9111 §5.1: Age is a single delta-seconds",
		resp: hdr("Cache-Control", "max-age=60", "Age", "10, 20"), want: stored(time.Minute)},
	{name: "huge Age capped at 2^31 s", why: "RFC 9111 §1.2.2: an overflowing delta-seconds counts as 2147483648",
		resp: hdr("Cache-Control", "max-age=60", "Age", "99999999999999999999999"),
		want: Decision{Store: true, TTL: time.Minute, InitialAge: (1 << 31) * time.Second}},
	{name: "clock stepped back", why: "a request time after the response time is no delay",
		resp: hdr("Cache-Control", "max-age=60", "Age", "5"), delay: -time.Hour,
		want: Decision{Store: true, TTL: time.Minute, InitialAge: 5 * time.Second}},
	{name: "Age with Min override", why: "the initial age is reported whatever decides the TTL",
		resp: hdr("Cache-Control", "no-store", "Age", "7"), policy: &withMin,
		want: Decision{Store: true, TTL: time.Minute, InitialAge: 7 * time.Second}},

	// Revalidation and stale serving.
	{name: "must-revalidate", why: "RFC 9111 §5.2.2.2: never serve stale",
		resp: hdr("Cache-Control", "max-age=60, must-revalidate"),
		want: Decision{Store: true, TTL: time.Minute, MustRevalidate: true}},
	{name: "proxy-revalidate", why: "RFC 9111 §5.2.2.8: must-revalidate for shared caches",
		resp: hdr("Cache-Control", "max-age=60, proxy-revalidate"),
		want: Decision{Store: true, TTL: time.Minute, MustRevalidate: true}},
	{name: "stale-while-revalidate and stale-if-error", why: "RFC 5861 §3 and §4",
		resp: hdr("Cache-Control", "max-age=60, stale-while-revalidate=30, stale-if-error=86400"),
		want: Decision{Store: true, TTL: time.Minute, StaleWhileRevalidate: 30 * time.Second, StaleIfError: 24 * time.Hour}},
	{name: "invalid stale windows ignored", why: "RFC 5861 windows only widen reuse; a bad one is dropped",
		resp: hdr("Cache-Control", "max-age=60, stale-while-revalidate=-1, stale-if-error"),
		want: stored(time.Minute)},
	{name: "conflicting stale windows dropped", why: "RFC 9111 §4.2.1 reading of disagreeing duplicates",
		resp: hdr("Cache-Control", "max-age=60, stale-if-error=10, stale-if-error=20"),
		want: stored(time.Minute)},
	{name: "stale windows with must-revalidate", why: "reported as sent; MustRevalidate overrides them (RFC 9111 §4.2.4)",
		resp: hdr("Cache-Control", "max-age=60, must-revalidate, stale-if-error=60"),
		want: Decision{Store: true, TTL: time.Minute, StaleIfError: time.Minute, MustRevalidate: true}},
}

func TestDecide(t *testing.T) {
	for _, tc := range decideTests {
		t.Run(tc.name, func(t *testing.T) {
			status, p := tc.status, cloudFront
			if status == 0 {
				status = http.StatusOK
			}
			if tc.policy != nil {
				p = *tc.policy
			}
			got := Decide(tc.req, status, tc.resp, t0.Add(-tc.delay), t0, p)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Decide (-want +got):\n%s\nwhy: %s", diff, tc.why)
			}
		})
	}
}

// TestDecideStatuses walks every status code through Decide with and
// without explicit freshness.
func TestDecideStatuses(t *testing.T) {
	cacheable := []int{200, 203, 204, 300, 301, 308, 410}
	errors := []int{400, 403, 404, 405, 414, 500, 501, 502, 503, 504}
	explicitOnly := []int{302, 307}
	for status := 100; status < 600; status++ {
		var bare, explicit Decision
		switch {
		case contains(cacheable, status): // RFC 9110 §15.1 heuristically cacheable: Default
			bare, explicit = stored(24*time.Hour), stored(time.Hour)
		case contains(errors, status): // CloudFront error caching: 10 s, or more if the origin says so
			bare, explicit = stored(10*time.Second), stored(time.Hour)
		case contains(explicitOnly, status): // RFC 9111 §3: only with explicit freshness
			bare, explicit = notStored("status "+strconv.Itoa(status)), stored(time.Hour)
		default: // 1xx, 206, 304, 401, 407, 409, 416...: never
			bare, explicit = notStored("status "+strconv.Itoa(status)), notStored("status "+strconv.Itoa(status))
		}
		if got := Decide(nil, status, hdr(), t0, t0, cloudFront); got != bare {
			t.Errorf("status %d without freshness: got %+v, want %+v", status, got, bare)
		}
		if got := Decide(nil, status, hdr("Cache-Control", "max-age=3600"), t0, t0, cloudFront); got != explicit {
			t.Errorf("status %d with max-age: got %+v, want %+v", status, got, explicit)
		}
	}
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// TestDecideFreshnessLifecycle checks the engine's view: fresh iff Age < TTL,
// so max-age=60 with Age: 50 stays fresh for 10 more seconds (RFC 9111
// §4.2: response_is_fresh = freshness_lifetime > current_age).
func TestDecideFreshnessLifecycle(t *testing.T) {
	d := Decide(nil, 200, hdr("Cache-Control", "max-age=60", "Age", "50"), t0, t0, cloudFront)
	for _, tc := range []struct {
		after time.Duration
		fresh bool
	}{{0, true}, {9 * time.Second, true}, {10 * time.Second, false}, {time.Hour, false}} {
		if fresh := Age(d.InitialAge, t0, t0.Add(tc.after)) < d.TTL; fresh != tc.fresh {
			t.Errorf("%v after storing: fresh = %v, want %v", tc.after, fresh, tc.fresh)
		}
	}
}

func TestDecideDoesNotModifyHeaders(t *testing.T) {
	req := hdr("Authorization", "x")
	resp := hdr("Cache-Control", "public, max-age=60, no-cache=\"A, B\"", "Age", "3", "Vary", "*")
	wantReq, wantResp := req.Clone(), resp.Clone()
	Decide(req, 200, resp, t0, t0, withMin)
	if diff := cmp.Diff(wantReq, req); diff != "" {
		t.Errorf("request header changed:\n%s", diff)
	}
	if diff := cmp.Diff(wantResp, resp); diff != "" {
		t.Errorf("response header changed:\n%s", diff)
	}
}

func TestAge(t *testing.T) {
	for _, tc := range []struct {
		name       string
		why        string
		initialAge time.Duration
		now        time.Time
		want       time.Duration
	}{
		{"just stored", "RFC 9111 §4.2.3: resident_time = 0", 5 * time.Second, t0, 5 * time.Second},
		{"resident", "RFC 9111 §4.2.3: current_age = corrected_initial_age + resident_time", 5 * time.Second, t0.Add(time.Minute), 65 * time.Second},
		{"clock stepped back", "never negative", 5 * time.Second, t0.Add(-time.Hour), 5 * time.Second},
		{"negative initial age", "never negative", -time.Hour, t0.Add(-time.Hour), 0},
		{"saturates", "RFC 9111 §1.2.2: no overflow", math.MaxInt64 - time.Second, t0.Add(time.Hour), math.MaxInt64},
	} {
		if got := Age(tc.initialAge, t0, tc.now); got != tc.want {
			t.Errorf("%s: Age = %v, want %v (%s)", tc.name, got, tc.want, tc.why)
		}
	}
}

func TestParseRequest(t *testing.T) {
	none := RequestDirectives{MaxAge: -1, MaxStale: -1, MinFresh: -1}
	for _, tc := range []struct {
		name string
		why  string
		h    http.Header
		want RequestDirectives
	}{
		{"absent", "nothing to honour", hdr(), none},
		{"no-cache", "RFC 9111 §5.2.1.4", hdr("Cache-Control", "no-cache"),
			withReq(none, func(r *RequestDirectives) { r.NoCache = true })},
		{"no-store", "RFC 9111 §5.2.1.5", hdr("Cache-Control", "no-store"),
			withReq(none, func(r *RequestDirectives) { r.NoStore = true })},
		{"only-if-cached", "RFC 9111 §5.2.1.7", hdr("Cache-Control", "only-if-cached"),
			withReq(none, func(r *RequestDirectives) { r.OnlyIfCached = true })},
		{"max-age", "RFC 9111 §5.2.1.1", hdr("Cache-Control", "max-age=30"),
			withReq(none, func(r *RequestDirectives) { r.MaxAge = 30 * time.Second })},
		{"max-age=0", "RFC 9111 §5.2.1.1: 0 is present, not absent", hdr("Cache-Control", "max-age=0"),
			withReq(none, func(r *RequestDirectives) { r.MaxAge = 0 })},
		{"invalid max-age", "read conservatively as 0", hdr("Cache-Control", "max-age=x"),
			withReq(none, func(r *RequestDirectives) { r.MaxAge = 0 })},
		{"max-stale with value", "RFC 9111 §5.2.1.2", hdr("Cache-Control", "max-stale=120"),
			withReq(none, func(r *RequestDirectives) { r.MaxStale = 2 * time.Minute })},
		{"max-stale without value", "RFC 9111 §5.2.1.2: any staleness", hdr("Cache-Control", "max-stale"),
			withReq(none, func(r *RequestDirectives) { r.MaxStale = math.MaxInt64 })},
		{"invalid max-stale", "ignored: accept no staleness", hdr("Cache-Control", "max-stale=-5"), none},
		{"min-fresh", "RFC 9111 §5.2.1.3", hdr("Cache-Control", "min-fresh=10"),
			withReq(none, func(r *RequestDirectives) { r.MinFresh = 10 * time.Second })},
		{"invalid min-fresh", "ignored", hdr("Cache-Control", "min-fresh=soon"), none},
		{"bad directive keeps the rest", "RFC 9111 §5.2: directives stand alone",
			hdr("Cache-Control", "max-stale=x, no-cache", "Cache-Control", "ONLY-IF-CACHED, min-fresh=5"),
			RequestDirectives{NoCache: true, OnlyIfCached: true, MaxAge: -1, MaxStale: -1, MinFresh: 5 * time.Second}},
		{"flag with an argument", "read conservatively as present", hdr("Cache-Control", "no-store=yes"),
			withReq(none, func(r *RequestDirectives) { r.NoStore = true })},
	} {
		if diff := cmp.Diff(tc.want, ParseRequest(tc.h)); diff != "" {
			t.Errorf("%s (%s): (-want +got):\n%s", tc.name, tc.why, diff)
		}
	}
}

// withReq returns r changed by f.
func withReq(r RequestDirectives, f func(*RequestDirectives)) RequestDirectives { f(&r); return r }

func TestMerge304(t *testing.T) {
	for _, tc := range []struct {
		name        string
		why         string
		stored, new http.Header
		want        http.Header
	}{
		{"replaces fields", "RFC 9111 §3.2: fields in the 304 replace stored ones",
			hdr("Etag", `"a"`, "Cache-Control", "max-age=60", "Date", "old", "Content-Type", "text/html", "X-Keep", "1"),
			hdr("Etag", `"b"`, "Cache-Control", "max-age=600", "Date", "new"),
			hdr("Etag", `"b"`, "Cache-Control", "max-age=600", "Date", "new", "Content-Type", "text/html", "X-Keep", "1")},
		{"keeps body framing", "RFC 9111 §3.2: Content-Length is never updated; coding and range describe the stored body",
			hdr("Content-Length", "1000", "Content-Encoding", "gzip", "Content-Range", "bytes 0-999/1000"),
			hdr("Content-Length", "0", "Content-Encoding", "br", "Content-Range", "bytes */1000", "Transfer-Encoding", "chunked"),
			hdr("Content-Length", "1000", "Content-Encoding", "gzip", "Content-Range", "bytes 0-999/1000")},
		{"skips hop-by-hop", "RFC 9110 §7.6.1 and RFC 9111 §3.1: connection-specific fields are not stored",
			hdr("Etag", `"a"`),
			hdr("Connection", "close, X-Hop", "Keep-Alive", "timeout=5", "X-Hop", "1", "Upgrade", "h2c", "Proxy-Authenticate", "Basic", "Etag", `"b"`),
			hdr("Etag", `"b"`)},
		{"multi-valued field replaced whole", "RFC 9111 §3.2: replace, not append",
			hdr("Link", "<a>", "Link", "<b>"), hdr("Link", "<c>"), hdr("Link", "<c>")},
		{"stale Age dropped", "RFC 9111 §5.1: Age counts from the latest validation, which the 304 is",
			hdr("Age", "100", "Etag", `"a"`), hdr("Etag", `"a"`), hdr("Etag", `"a"`)},
		{"304 Age kept", "RFC 9111 §5.1: the 304's own Age is current",
			hdr("Age", "100"), hdr("Age", "3"), hdr("Age", "3")},
		{"nil stored", "a 304 with nothing stored yields its own end-to-end fields",
			nil, hdr("Etag", `"b"`, "Content-Length", "0"), hdr("Etag", `"b"`)},
		{"non-canonical stored key", "field names are case-insensitive (RFC 9110 §5.1)",
			http.Header{"etag": {`"a"`}}, hdr("ETag", `"b"`), hdr("Etag", `"b"`)},
	} {
		var before http.Header
		if tc.stored != nil {
			before = tc.stored.Clone()
		}
		got := Merge304(tc.stored, tc.new)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (%s): (-want +got):\n%s", tc.name, tc.why, diff)
		}
		if diff := cmp.Diff(before, tc.stored); diff != "" {
			t.Errorf("%s: stored header modified:\n%s", tc.name, diff)
		}
	}
}

// TestMerge304Copies checks the result shares no slices with its inputs, so
// later edits to either side cannot leak into a stored entry.
func TestMerge304Copies(t *testing.T) {
	stored, nm := hdr("X-A", "1"), hdr("X-B", "2")
	got := Merge304(stored, nm)
	got["X-A"][0], got["X-B"][0] = "changed", "changed"
	if stored.Get("X-A") != "1" || nm.Get("X-B") != "2" {
		t.Errorf("Merge304 result aliases its inputs: stored %v, 304 %v", stored, nm)
	}
}

var compressibleTests = []struct {
	contentType string
	want        bool
}{
	{"text/html", true},
	{"text/html; charset=utf-8", true},
	{"TEXT/HTML;CHARSET=UTF-8", true},
	{"  text/css ; charset=utf-8", true},
	{"text/plain", true},
	{"text/csv", true},
	{"text/javascript", true},
	{"text/event-stream", false}, // streams: compressing buffers events
	{"application/json", true},
	{"application/problem+json", true},
	{"application/ld+json", true},
	{"application/vnd.api+json; charset=utf-8", true},
	{"application/javascript", true},
	{"application/x-javascript", true},
	{"application/ecmascript", true},
	{"application/xml", true},
	{"application/atom+xml", true},
	{"application/rss+xml", true},
	{"application/xhtml+xml", true},
	{"image/svg+xml", true},
	{"application/wasm", true},
	{"font/ttf", true},
	{"font/otf", true},
	{"font/collection", true},
	{"application/x-font-ttf", true},
	{"application/vnd.ms-fontobject", true},
	{"application/font-sfnt", true},
	{"image/x-icon", true},
	{"image/vnd.microsoft.icon", true},
	{"application/vnd.apple.mpegurl", true},
	{"font/woff", false},
	{"font/woff2", false},
	{"image/png", false},
	{"image/jpeg", false},
	{"image/webp", false},
	{"image/avif", false},
	{"video/mp4", false},
	{"audio/mpeg", false},
	{"application/zip", false},
	{"application/gzip", false},
	{"application/x-gzip", false},
	{"application/zstd", false},
	{"application/octet-stream", false},
	{"application/pdf", false},
	{"multipart/form-data; boundary=x", false},
	{"", false},
	{"text", false},
	{"text/", false},
	{"/html", false},
	{"json", false},
	{"+json", false},
	{"application/jsonx", false},
	{"application/json+x", false},
	{"textual/html", false},
}

func TestCompressible(t *testing.T) {
	for _, tc := range compressibleTests {
		if got := Compressible(tc.contentType); got != tc.want {
			t.Errorf("Compressible(%q) = %v, want %v", tc.contentType, got, tc.want)
		}
	}
}

// TestCompressibleAllocs pins Compressible at zero allocations: it runs on
// every response.
func TestCompressibleAllocs(t *testing.T) {
	for _, tc := range compressibleTests {
		if n := testing.AllocsPerRun(100, func() { Compressible(tc.contentType) }); n != 0 {
			t.Errorf("Compressible(%q) allocates %v times per call", tc.contentType, n)
		}
	}
}

func BenchmarkCompressible(b *testing.B) {
	for _, ct := range []string{"text/html; charset=utf-8", "image/png", "application/vnd.ms-fontobject", "Application/JSON"} {
		b.Run(ct, func(b *testing.B) {
			for b.Loop() {
				Compressible(ct)
			}
		})
	}
}

func BenchmarkDecide(b *testing.B) {
	resp := hdr("Cache-Control", "public, max-age=3600, stale-while-revalidate=60", "Date", httpDate(0), "Age", "12", "Etag", `"x"`)
	for b.Loop() {
		Decide(nil, 200, resp, t0, t0, cloudFront)
	}
}

// TestDecideLinearTime guards against quadratic parsing of hostile origin
// headers: cacheobject copies the rest of its input for every quoted string,
// so 200 KB of space-separated quoted values once took tens of seconds.
func TestDecideLinearTime(t *testing.T) {
	for name, v := range map[string]string{
		"space-separated quoted values": "no-cache" + strings.Repeat(` a=""`, 40000),
		"repeated quoted no-cache":      strings.Repeat(`no-cache="a" `, 20000),
		"repeated directives":           strings.Repeat("no-store,max-age=1,", 20000),
		"unterminated quote":            `private="` + strings.Repeat("a, ", 70000),
	} {
		h := http.Header{"Cache-Control": {v}}
		start := time.Now()
		Decide(nil, 200, h, t0, t0, cloudFront)
		ParseRequest(h)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s (%d bytes) took %v", name, len(v), d)
		}
	}
}
