package jsfn

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"unicode/utf8"
)

// Host operations, the first argument of the one host function a VM has.
// Keep in step with prelude.js.
const (
	opLog     = 1  // (line)
	opB64Enc  = 2  // (bytes, url bool) → base64
	opB64Dec  = 3  // (text) → bytes, lenient like Node
	opAtob    = 4  // (text) → bytes, or null if not forgiving-base64
	opHexEnc  = 5  // (bytes) → hex
	opHexDec  = 6  // (text) → bytes, up to the first bad pair like Node
	opUTF8Enc = 7  // (string) → UTF-8 bytes
	opUTF8Dec = 8  // (bytes, fatal bool) → string, or null if fatal and invalid
	opHashNew = 9  // (alg, key|null, keyEnc) → id, or null for an unknown alg
	opHashUpd = 10 // (id, data, enc)
	opHashDig = 11 // (id, enc) → digest text, or bytes for enc ""
	opKVSGet  = 12 // (key) → bytes, or null if missing
	opKVSMeta = 13 // () → JSON, or null
	opOrigin  = 14 // (call 1-3, argJSON, optionsJSON or "")
	opQSUnesc = 15 // (text) → Node's unescapeBuffer(text).toString()
)

// maxHashes bounds the hash objects one run may hold open, as their state
// lives in Go memory, outside the VM's cap.
const maxHashes = 1024

// Binary data crosses between JavaScript and Go as byte strings: strings
// whose characters are all at most U+00FF, one per byte. The engine moves
// strings as UTF-8, so such a character above U+007F arrives as two bytes.

// bytesOf returns the bytes of the byte string s. A character above U+00FF
// keeps its low byte, as Node's latin1 does.
func bytesOf(s string) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b = append(b, byte(r))
		i += n
	}
	return b
}

// byteString returns the byte string of b.
func byteString(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for _, c := range b {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// decodeBase64Lenient decodes base64 or base64url as Node's Buffer.from
// does: characters outside both alphabets are skipped, decoding stops at
// the first '=', and padding is optional.
func decodeBase64Lenient(s string) []byte {
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '=':
			i = len(s)
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '-':
			clean = append(clean, '+')
		case c == '_':
			clean = append(clean, '/')
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

// decodeForgivingBase64 is atob's decoder (WHATWG forgiving-base64): ASCII
// whitespace is removed, padding may be omitted, anything else is an error.
func decodeForgivingBase64(s string) ([]byte, bool) {
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\f', '\r':
		default:
			clean = append(clean, c)
		}
	}
	if len(clean)%4 == 0 && len(clean) > 0 && clean[len(clean)-1] == '=' {
		clean = clean[:len(clean)-1]
		if clean[len(clean)-1] == '=' {
			clean = clean[:len(clean)-1]
		}
	}
	if len(clean)%4 == 1 {
		return nil, false
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Strict().Decode(out, clean)
	if err != nil {
		// Strict rejects non-zero trailing bits, which atob ignores.
		n, err = base64.RawStdEncoding.Decode(out, clean)
		if err != nil {
			return nil, false
		}
	}
	return out[:n], true
}

// decodeHexLenient decodes hex as Node's Buffer.from does: up to the first
// pair that is not two hex digits.
func decodeHexLenient(s string) []byte {
	out := make([]byte, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			break
		}
		out = append(out, hi<<4|lo)
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeData returns the bytes of s in a Buffer encoding, as prelude.js
// names them.
func decodeData(s, enc string) ([]byte, error) {
	switch enc {
	case "utf8":
		return []byte(s), nil
	case "latin1", "ascii":
		return bytesOf(s), nil
	case "hex":
		return decodeHexLenient(s), nil
	case "base64", "base64url":
		return decodeBase64Lenient(s), nil
	case "utf16le":
		var b []byte
		for _, r := range s {
			if r >= 0x10000 {
				r -= 0x10000
				hi, lo := 0xd800+(r>>10), 0xdc00+(r&0x3ff)
				b = append(b, byte(hi), byte(hi>>8), byte(lo), byte(lo>>8))
				continue
			}
			b = append(b, byte(r), byte(r>>8))
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown encoding: %s", enc)
}

// decodeUTF8 returns b as a string, each maximal invalid sequence replaced
// by U+FFFD, or ok false if fatal and b is not valid UTF-8.
func decodeUTF8(b []byte, fatal bool) (s string, ok bool) {
	if utf8.Valid(b) {
		return string(b), true
	}
	if fatal {
		return "", false
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), true
}

// qsUnescapeBuffer is Node's querystring.unescapeBuffer(s).toString():
// each %XX becomes that byte, everything else its UTF-8, and the result is
// decoded as UTF-8 with replacement characters.
func qsUnescapeBuffer(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b = append(b, hi<<4|lo)
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	out, _ := decodeUTF8(b, false)
	return out
}

func newHash(alg string) func() hash.Hash {
	switch strings.ToLower(alg) {
	case "md5":
		return md5.New
	case "sha1", "sha-1":
		return sha1.New
	case "sha256", "sha-256":
		return sha256.New
	}
	return nil
}

// encodeDigest returns sum in a digest encoding of prelude.js, "" being
// the byte string.
func encodeDigest(sum []byte, enc string) (string, error) {
	switch enc {
	case "", "latin1":
		return byteString(sum), nil
	case "hex":
		return hex.EncodeToString(sum), nil
	case "base64":
		return base64.StdEncoding.EncodeToString(sum), nil
	case "base64url":
		return base64.RawURLEncoding.EncodeToString(sum), nil
	}
	return "", fmt.Errorf("unknown digest encoding: %s", enc)
}

var errArgs = errors.New("jsfn: bad host call")

// args gives typed access to the arguments of a host call. Any mismatch
// makes the call fail with errArgs, never panic.
type args []any

func (a args) str(i int) (string, error) {
	if i < len(a) {
		if s, ok := a[i].(string); ok {
			return s, nil
		}
	}
	return "", errArgs
}

func (a args) boolean(i int) bool {
	if i < len(a) {
		b, _ := a[i].(bool)
		return b
	}
	return false
}

func (a args) integer(i int) (int, error) {
	if i < len(a) {
		switch n := a[i].(type) {
		case int:
			return n, nil
		case float64:
			if n == float64(int(n)) {
				return int(n), nil
			}
		}
	}
	return 0, errArgs
}

// call is the host function of a VM. It recovers from any panic, marking
// the VM tainted so that it is discarded after the run.
func (v *vm) call(raw []any) (r any, err error) {
	defer func() {
		if p := recover(); p != nil {
			v.run.panicked = fmt.Sprint(p)
			r, err = nil, errors.New("internal error in a host function")
		}
	}()
	a := args(raw)
	op, err := a.integer(0)
	if err != nil {
		return nil, err
	}
	switch op {
	case opLog, opKVSGet, opKVSMeta, opOrigin:
		v.run.impure = true
	}
	switch op {
	case opLog:
		return nil, v.hostLog(a)
	case opB64Enc, opB64Dec, opAtob, opHexEnc, opHexDec, opUTF8Enc, opUTF8Dec, opQSUnesc:
		return hostCodec(op, a)
	case opHashNew:
		return v.hashNew(a)
	case opHashUpd:
		return nil, v.hashUpdate(a)
	case opHashDig:
		return v.hashDigest(a)
	case opKVSGet:
		return v.kvsGet(a)
	case opKVSMeta:
		return v.kvsMeta()
	case opOrigin:
		return nil, v.origin(a)
	}
	return nil, errArgs
}

// hostCodec runs the stateless encoding operations.
func hostCodec(op int, a args) (any, error) {
	s, err := a.str(1)
	if err != nil {
		return nil, err
	}
	switch op {
	case opB64Enc:
		if a.boolean(2) {
			return base64.RawURLEncoding.EncodeToString(bytesOf(s)), nil
		}
		return base64.StdEncoding.EncodeToString(bytesOf(s)), nil
	case opB64Dec:
		return byteString(decodeBase64Lenient(s)), nil
	case opAtob:
		b, ok := decodeForgivingBase64(s)
		if !ok {
			return nil, nil
		}
		return byteString(b), nil
	case opHexEnc:
		return hex.EncodeToString(bytesOf(s)), nil
	case opHexDec:
		return byteString(decodeHexLenient(s)), nil
	case opUTF8Enc:
		return byteString([]byte(s)), nil
	case opUTF8Dec:
		out, ok := decodeUTF8(bytesOf(s), a.boolean(2))
		if !ok {
			return nil, nil
		}
		return out, nil
	case opQSUnesc:
		return qsUnescapeBuffer(s), nil
	}
	return nil, errArgs
}

func (v *vm) hostLog(a args) error {
	line, err := a.str(1)
	if err != nil {
		return err
	}
	r := &v.run
	if r.logBytes >= MaxLogBytes {
		r.logsTruncated = true
		return nil
	}
	if room := MaxLogBytes - r.logBytes; len(line) > room {
		line = strings.ToValidUTF8(line[:room], "")
		r.logsTruncated = true
	}
	r.logBytes += len(line)
	r.logs = append(r.logs, line)
	return nil
}

func (v *vm) hashNew(a args) (any, error) {
	alg, err := a.str(1)
	if err != nil {
		return nil, err
	}
	mk := newHash(alg)
	if mk == nil {
		return nil, nil
	}
	r := &v.run
	if len(r.hashes) >= maxHashes {
		return nil, fmt.Errorf("too many hash objects (at most %d per run)", maxHashes)
	}
	var h hash.Hash
	if len(a) > 2 && a[2] != nil {
		keyText, err := a.str(2)
		if err != nil {
			return nil, err
		}
		enc, err := a.str(3)
		if err != nil {
			return nil, err
		}
		key, err := decodeData(keyText, enc)
		if err != nil {
			return nil, err
		}
		h = hmac.New(mk, key)
	} else {
		h = mk()
	}
	v.nextHash++
	if r.hashes == nil {
		r.hashes = make(map[int]hash.Hash)
	}
	r.hashes[v.nextHash] = h
	return v.nextHash, nil
}

//lint:ignore ST1005 Node's own message, which functions may compare
var errDigested = errors.New("Digest already called")

func (v *vm) hashUpdate(a args) error {
	id, err := a.integer(1)
	if err != nil {
		return err
	}
	h := v.run.hashes[id]
	if h == nil {
		return errDigested
	}
	data, err := a.str(2)
	if err != nil {
		return err
	}
	enc, err := a.str(3)
	if err != nil {
		return err
	}
	if enc == "utf8" {
		_, err = h.Write([]byte(data))
		return err
	}
	b, err := decodeData(data, enc)
	if err != nil {
		return err
	}
	_, err = h.Write(b)
	return err
}

func (v *vm) hashDigest(a args) (any, error) {
	id, err := a.integer(1)
	if err != nil {
		return nil, err
	}
	h := v.run.hashes[id]
	if h == nil {
		return nil, errDigested
	}
	enc, err := a.str(2)
	if err != nil {
		return nil, err
	}
	delete(v.run.hashes, id)
	return encodeDigest(h.Sum(nil), enc)
}

func (v *vm) kvsGet(a args) (any, error) {
	key, err := a.str(1)
	if err != nil {
		return nil, err
	}
	if v.run.host == nil {
		return nil, errors.New("no KeyValueStore is associated with this function")
	}
	if len(key) > 512 {
		return nil, errors.New("KeyValueStore key is longer than 512 bytes")
	}
	val, ok := v.run.host.KVSGet(key)
	if !ok {
		return nil, nil
	}
	return byteString(val), nil
}

func (v *vm) kvsMeta() (any, error) {
	mh, ok := v.run.host.(KVSMetaHost)
	if !ok {
		return nil, nil
	}
	b, err := json.Marshal(mh.KVSMeta())
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

var originCalls = [...]OriginCall{1: UpdateRequestOrigin, 2: SelectRequestOriginByID, 3: CreateRequestOriginGroup}

func (v *vm) origin(a args) error {
	which, err := a.integer(1)
	if err != nil || which < 1 || which >= len(originCalls) {
		return errArgs
	}
	arg, err := a.str(2)
	if err != nil || !json.Valid([]byte(arg)) {
		return errArgs
	}
	opts, err := a.str(3)
	if err != nil || (opts != "" && !json.Valid([]byte(opts))) {
		return errArgs
	}
	u := &OriginUpdate{Call: originCalls[which], Arg: json.RawMessage(arg)}
	if opts != "" {
		u.Options = json.RawMessage(opts)
	}
	v.run.origin = u
	return nil
}
