package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/smithy-go/encoding/httpbinding"
)

// fast computes the signature of a header-form request the way the SDK's
// signer does, without copying the request: the common case. It only has
// to be sound: Verify falls back to the SDK's signer when it does not
// match, so a canonical form it gets wrong costs time, never a wrong
// acceptance (what it hashes is what the request carries).
func (s *Signature) fast(r *http.Request, hash, secret string) string {
	var b strings.Builder
	b.Grow(512)
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	if s.Service != "s3" { // S3 alone signs the path as sent
		path = httpbinding.EscapePath(path, false)
	}
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, h := range s.SignedHeaders {
		b.WriteString(h)
		b.WriteByte(':')
		switch h {
		case "host":
			b.WriteString(stripExcessSpaces(r.Host))
		case "content-length":
			b.WriteString(strconv.FormatInt(r.ContentLength, 10))
		default:
			for i, v := range r.Header.Values(h) {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strings.TrimSpace(stripExcessSpaces(v)))
			}
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(s.SignedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(hash)
	sum := sha256.Sum256([]byte(b.String()))

	scope := s.Date + "/" + s.Region + "/" + s.Service + "/" + scopeTerminator
	toSign := Algorithm + "\n" + s.At.Format(dateFormat) + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	return hex.EncodeToString(hmacSHA256(signingKey(secret, s.Date, s.Region, s.Service), toSign))
}

// canonicalQuery is the query with keys and values escaped as SigV4 wants
// (%20 for a space) and sorted by key, then value.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, _ := url.ParseQuery(raw)
	params := make([][2]string, 0, len(q))
	for k, vs := range q {
		ek := escapeQuery(k)
		for _, v := range vs {
			params = append(params, [2]string{ek, escapeQuery(v)})
		}
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i][0] != params[j][0] {
			return params[i][0] < params[j][0]
		}
		return params[i][1] < params[j][1]
	})
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p[0])
		b.WriteByte('=')
		b.WriteString(p[1])
	}
	return b.String()
}

func escapeQuery(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// stripExcessSpaces trims s and collapses runs of spaces, as SigV4's
// canonical header values want.
func stripExcessSpaces(s string) string {
	s = strings.Trim(s, " ")
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// keys caches derived signing keys by secret, day, region and service: a
// day's calls then derive once. It is cleared when it grows past maxKeys.
var keys struct {
	sync.Mutex
	m map[string][]byte
}

const maxKeys = 1024

// signingKey is SigV4's derived key.
func signingKey(secret, date, region, service string) []byte {
	id := secret + "\x00" + date + "\x00" + region + "\x00" + service
	keys.Lock()
	k, ok := keys.m[id]
	keys.Unlock()
	if ok {
		return k
	}
	k = hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, scopeTerminator)
	keys.Lock()
	if keys.m == nil || len(keys.m) >= maxKeys {
		keys.m = map[string][]byte{}
	}
	keys.m[id] = k
	keys.Unlock()
	return k
}
