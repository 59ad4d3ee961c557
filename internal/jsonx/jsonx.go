// Package jsonx appends and reads JSON strings without reflection, for the
// hot paths and parsers that handle JSON by hand: the access log, function
// log records, the events and results exchanged with JavaScript, and
// EventBridge's patterns and events.
package jsonx

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Runs of plain characters are
// copied whole; control characters are escaped as encoding/json escapes
// them; invalid UTF-8 becomes U+FFFD (as encoding/json); unlike
// encoding/json it does not escape <, > and &, and it does escape U+2028 and
// U+2029, which JavaScript source cannot hold raw.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// A SyntaxError is a malformed JSON string: Msg, at Offset bytes into
// the input.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return "invalid JSON string at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// ReadString reads the JSON string at the start of b and returns its
// content and the rest of b. It decodes as encoding/json does: escaped
// surrogate pairs are joined, and lone surrogates and invalid UTF-8 become
// U+FFFD. The content aliases b when the string has no escapes and is
// valid UTF-8. A malformed string is a *SyntaxError.
func ReadString(b []byte) (content, rest []byte, err error) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, &SyntaxError{0, "expected a string"}
	}
	var out []byte // nil until the first escape
	start := 1
	for i := 1; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			if out == nil && utf8.Valid(b[start:i]) {
				return b[start:i], b[i+1:], nil
			}
			return appendValid(out, b[start:i]), b[i+1:], nil
		case c < 0x20:
			return nil, nil, &SyntaxError{i, "control character in string"}
		case c != '\\':
			i++
			continue
		}
		out = appendValid(out, b[start:i])
		if i+1 >= len(b) {
			break
		}
		esc := i
		e := b[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b[i:])
			if !ok {
				return nil, nil, &SyntaxError{esc, `invalid \u escape`}
			}
			i += 4
			if utf16.IsSurrogate(r) {
				// Joined with the escape after it when that is its pair,
				// else U+FFFD and the next escape stands alone.
				r2, ok := rune(0), false
				if len(b)-i >= 6 && b[i] == '\\' && b[i+1] == 'u' {
					r2, ok = hex4(b[i+2:])
				}
				if r = utf16.DecodeRune(r, r2); ok && r != utf8.RuneError {
					i += 6
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			r, _ := utf8.DecodeRune(b[i-1:])
			return nil, nil, &SyntaxError{esc, "invalid escape \\" + string(r)}
		}
		start = i
	}
	return nil, nil, &SyntaxError{len(b), "unterminated string"}
}

// appendValid appends s with each byte of invalid UTF-8 as U+FFFD.
func appendValid(b, s []byte) []byte {
	if utf8.Valid(s) {
		return append(b, s...)
	}
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		b = utf8.AppendRune(b, r)
		s = s[n:]
	}
	return b
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// SkipValue returns the length of the JSON value at the start of b: an
// object or array by balancing brackets outside strings, a string by its
// closing quote, a literal or number by the next delimiter. It finds
// values' ends, it does not validate them: on malformed input its answer
// means nothing, and ok is false only when it runs out of input.
func SkipValue(b []byte) (n int, ok bool) {
	if len(b) == 0 {
		return 0, false
	}
	switch b[0] {
	case '"':
		return skipString(b, 0)
	case '{', '[':
		depth := 0
		for i := 0; i < len(b); i++ {
			switch b[i] {
			case '"':
				end, ok := skipString(b, i)
				if !ok {
					return 0, false
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1, true
				}
			}
		}
		return 0, false
	}
	i := 0
	for i < len(b) && !isDelimiter(b[i]) {
		i++
	}
	return i, i > 0
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// skipString returns the end of the JSON string starting at b[i].
func skipString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"':
			return j + 1, true
		case '\\':
			j++
		}
	}
	return 0, false
}
