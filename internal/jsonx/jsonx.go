// Package jsonx appends and reads JSON strings without reflection, for the
// hot paths that handle JSON by hand: the access log, function log
// records, and the events and results exchanged with JavaScript.
package jsonx

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Runs of plain characters are
// copied whole; invalid UTF-8 becomes U+FFFD (as encoding/json); unlike
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

// ReadString reads the JSON string at the start of b and returns its
// content and the rest of b. It is the fast path of a decoder: ok is false
// for what it does not take (invalid UTF-8, \u escapes of surrogates,
// malformed input), which the caller hands to encoding/json. The content
// aliases b when the string has no escapes.
func ReadString(b []byte) ([]byte, []byte, bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	var out []byte // nil until the first escape
	start := 1
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			if out == nil {
				out = b[start:i]
			} else {
				out = append(out, b[start:i]...)
			}
			return out, b[i+1:], utf8.Valid(out)
		case c < 0x20:
			return nil, nil, false
		case c != '\\':
			continue
		}
		out = append(out, b[start:i]...)
		if i+1 >= len(b) {
			return nil, nil, false
		}
		i++
		switch e := b[i]; e {
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
			if i+4 >= len(b) {
				return nil, nil, false
			}
			r, err := strconv.ParseUint(string(b[i+1:i+5]), 16, 32)
			if err != nil || utf16.IsSurrogate(rune(r)) || b[i+1] == '+' {
				return nil, nil, false
			}
			out = utf8.AppendRune(out, rune(r))
			i += 4
		default:
			return nil, nil, false
		}
		start = i + 1
	}
	return nil, nil, false
}
