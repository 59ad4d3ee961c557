package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// fast computes the hex signature of a header-form request the way the
// SDK's signer does, without copying the request: the common case. It only
// has to be sound: Verify falls back to the SDK's signer when it does not
// match, so a canonical form it gets wrong costs time, never a wrong
// acceptance (what it hashes is what the request carries). It builds the
// canonical request in one buffer and allocates nothing in the common case.
func (s *Signature) fast(r *http.Request, hash, secret string) [64]byte {
	var buf [1024]byte
	b := append(buf[:0], r.Method...)
	b = append(b, '\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	if s.Service != "s3" { // S3 alone signs the path as sent
		b = appendEscapedPath(b, path)
	} else {
		b = append(b, path...)
	}
	b = append(b, '\n')
	b = append(b, canonicalQuery(r.URL.RawQuery)...)
	b = append(b, '\n')
	for _, h := range s.SignedHeaders {
		b = append(b, h...)
		b = append(b, ':')
		switch h {
		case "host":
			b = append(b, stripExcessSpaces(r.Host)...)
		case "content-length":
			b = strconv.AppendInt(b, r.ContentLength, 10)
		default:
			for i, v := range r.Header[canonicalKey(h)] {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, strings.TrimSpace(stripExcessSpaces(v))...)
			}
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, s.signedList()...)
	b = append(b, '\n')
	b = append(b, hash...)
	sum := sha256.Sum256(b)

	b = append(b[:0], Algorithm+"\n"...)
	b = s.At.AppendFormat(b, dateFormat)
	b = append(b, '\n')
	b = append(b, s.Date...)
	b = append(b, '/')
	b = append(b, s.Region...)
	b = append(b, '/')
	b = append(b, s.Service...)
	b = append(b, "/"+scopeTerminator+"\n"...)
	b = hex.AppendEncode(b, sum[:])
	key := signingKey(secret, s.Date, s.Region, s.Service)
	mac := hmac32(&key, b)
	var out [64]byte
	hex.Encode(out[:], mac[:])
	return out
}

// signedList is SignedHeaders as the request lists them.
func (s *Signature) signedList() string {
	if s.signed != "" {
		return s.signed
	}
	return strings.Join(s.SignedHeaders, ";")
}

// equal compares b and s in constant time.
func equal(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	var v byte
	for i := range b {
		v |= b[i] ^ s[i]
	}
	return subtle.ConstantTimeByteEq(v, 0) == 1
}

// appendEscapedPath escapes a path as the SDK's signer does
// (httpbinding.EscapePath, slashes kept), without its allocations.
func appendEscapedPath(b []byte, path string) []byte {
	const upper = "0123456789ABCDEF"
	for i := 0; i < len(path); i++ {
		c := path[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' {
			b = append(b, c)
		} else {
			b = append(b, '%', upper[c>>4], upper[c&15])
		}
	}
	return b
}

// canonicalKeys are the canonical forms of the header names the SDKs
// sign, so looking them up does not allocate one each time.
var canonicalKeys = map[string]string{}

func init() {
	for _, h := range []string{"Content-Type", "Content-Md5", "X-Amz-Date", "X-Amz-Target", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
		"Amz-Sdk-Invocation-Id", "Amz-Sdk-Request", "X-Amz-User-Agent", "X-Amzn-Query-Mode", "X-Amz-Invocation-Type", "X-Amz-Log-Type",
		"X-Amz-Client-Context", "Content-Encoding", "Accept", "User-Agent"} {
		canonicalKeys[strings.ToLower(h)] = h
	}
}

// canonicalKey is http.CanonicalHeaderKey(h) for a lower-case name.
func canonicalKey(h string) string {
	if k, ok := canonicalKeys[h]; ok {
		return k
	}
	return http.CanonicalHeaderKey(h)
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

// hmac32 is HMAC-SHA256 with a 32-byte key (a derived signing key) over a
// short message, on the stack: what crypto/hmac computes, without its
// allocations.
func hmac32(key *[32]byte, msg []byte) [32]byte {
	const block = 64
	var in [block + 256]byte
	var out [block + sha256.Size]byte
	for i := range block {
		k := byte(0)
		if i < len(key) {
			k = key[i]
		}
		in[i] = k ^ 0x36
		out[i] = k ^ 0x5c
	}
	inner := append(in[:block], msg...)
	sum := sha256.Sum256(inner)
	copy(out[block:], sum[:])
	return sha256.Sum256(out[:])
}

// keys caches derived signing keys by secret, day, region and service: a
// day's calls then derive once. It is cleared when it grows past maxKeys.
var keys struct {
	sync.RWMutex
	m map[keyID][32]byte
}

type keyID struct{ secret, date, region, service string }

const maxKeys = 1024

// signingKey is SigV4's derived key.
func signingKey(secret, date, region, service string) [32]byte {
	id := keyID{secret, date, region, service}
	keys.RLock()
	k, ok := keys.m[id]
	keys.RUnlock()
	if ok {
		return k
	}
	d := hmacSHA256([]byte("AWS4"+secret), date)
	d = hmacSHA256(d, region)
	d = hmacSHA256(d, service)
	copy(k[:], hmacSHA256(d, scopeTerminator))
	keys.Lock()
	if keys.m == nil || len(keys.m) >= maxKeys {
		keys.m = map[keyID][32]byte{}
	}
	keys.m[id] = k
	keys.Unlock()
	return k
}
