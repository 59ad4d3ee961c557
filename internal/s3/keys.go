package s3

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// Keys and paths.
//
// A key is split on "/"; each segment is one element of the object's path
// inside the bucket folder, so "img/a.png" is the file img/a.png the CDN
// serves. A segment that no file name can be, or that would leave the
// folder, is encoded: "" (a leading "/", "//", a trailing "/"), ".", "..",
// one longer than 255 bytes, one holding a NUL, and one starting with the
// reserved prefix ".verge~" become ".verge~" + base32hex (lower case, no
// padding) of the segment's bytes. So the folder marker "a/b/" is the file
// a/b/.verge~ and "a//b" is a/.verge~/b. When that encoding is itself longer
// than a file name may be, the segment is named ".verge~h" + the first 40
// hex digits of its SHA-256 and the bucket's long-names index (long.txt)
// records the segment, so listing can recover the key.
//
// The mapping is injective: an ordinary segment never starts with
// ".verge~", an encoded name decodes only when it is the canonical encoding
// of a segment that needs one, and a hashed name (48 bytes) has a length no
// base32 encoding has. Names starting with ".verge~" that do not decode are
// not objects: the temporary folder ".verge~tmp" among them.

// segEncoding is base32hex in lower case, without padding.
var segEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// checkKey reports S3's refusals of a key.
func checkKey(key string) error {
	switch {
	case key == "":
		return ErrInvalidArgument.With("The key must not be empty.")
	case len(key) > maxKeyLen:
		return ErrKeyTooLong
	case !utf8.ValidString(key):
		return ErrInvalidArgument.With("The key must be UTF-8.")
	}
	return nil
}

// keyPath maps key to its slash-separated path in the bucket folder. long
// holds the hashed names it uses (name → segment), nil when none.
func keyPath(key string) (rel string, long map[string]string, err error) {
	if err := checkKey(key); err != nil {
		return "", nil, err
	}
	var b strings.Builder
	for i, seg := range strings.Split(key, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		name, hashed := encodeSegment(seg)
		if hashed {
			if long == nil {
				long = make(map[string]string)
			}
			long[name] = seg
		}
		b.WriteString(name)
	}
	return b.String(), long, nil
}

// needsEscape reports whether seg cannot be a file name as it is.
func needsEscape(seg string) bool {
	return seg == "" || seg == "." || seg == ".." || len(seg) > maxNameLen ||
		strings.IndexByte(seg, 0) >= 0 || strings.HasPrefix(seg, escapePrefix)
}

// encodeSegment is seg's file name; hashed when the long-names index must
// record it.
func encodeSegment(seg string) (name string, hashed bool) {
	if !needsEscape(seg) {
		return seg, false
	}
	if n := len(escapePrefix) + segEncoding.EncodedLen(len(seg)); n <= maxNameLen {
		return escapePrefix + segEncoding.EncodeToString([]byte(seg)), false
	}
	return hashName(seg), true
}

// hashName is the hashed name of a segment.
func hashName(seg string) string {
	sum := sha256.Sum256([]byte(seg))
	return hashPrefix + hex.EncodeToString(sum[:])[:hashLen]
}

// isHashName reports whether name has the form of a hashed name.
func isHashName(name string) bool {
	if len(name) != len(hashPrefix)+hashLen || !strings.HasPrefix(name, hashPrefix) {
		return false
	}
	for _, c := range []byte(name[len(hashPrefix):]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// decodeName is the key segment of the file name, or ok=false when the
// name is not one an object has. lookup resolves hashed names (nil: none).
func decodeName(name string, lookup func(string) (string, bool)) (seg string, ok bool) {
	if !strings.HasPrefix(name, escapePrefix) {
		return name, name != "" && !needsEscape(name) && utf8.ValidString(name) && !strings.Contains(name, "/")
	}
	if isHashName(name) {
		if lookup == nil {
			return "", false
		}
		seg, ok = lookup(name)
		if !ok || hashName(seg) != name || len(escapePrefix)+segEncoding.EncodedLen(len(seg)) <= maxNameLen {
			return "", false
		}
		return seg, true
	}
	enc := name[len(escapePrefix):]
	b, err := segEncoding.DecodeString(enc)
	if err != nil || segEncoding.EncodeToString(b) != enc {
		return "", false
	}
	seg = string(b)
	if !utf8.ValidString(seg) || strings.Contains(seg, "/") {
		return "", false
	}
	// Only the canonical name decodes: not one for a segment that needs no
	// escape, nor one too long for a file name (such a segment is hashed).
	if canon, _ := encodeSegment(seg); canon != name {
		return "", false
	}
	return seg, true
}

// keyOf maps a slash-separated path in a bucket folder back to its key.
func keyOf(rel string, lookup func(string) (string, bool)) (string, bool) {
	if rel == "" {
		return "", false
	}
	var b strings.Builder
	for i, name := range strings.Split(rel, "/") {
		seg, ok := decodeName(name, lookup)
		if !ok {
			return "", false
		}
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(seg)
	}
	key := b.String()
	return key, checkKey(key) == nil
}

// IgnoredName reports whether the folder watcher must ignore the file at
// rel (slash-separated, relative to a bucket folder): the store's
// temporary files, and names that are not an object's.
func IgnoredName(rel string) bool {
	if rel == tmpFolder || strings.HasPrefix(rel, tmpFolder+"/") {
		return true
	}
	for name := range strings.SplitSeq(rel, "/") {
		if isHashName(name) {
			continue // resolved by the store's index
		}
		if _, ok := decodeName(name, nil); !ok {
			return true
		}
	}
	return false
}
