package awsapi

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/jsonx"
)

// A flatField is a top-level member of a JSON object that decodeFlat
// fills: a string (str) or an optional integer (num). A field with
// neither is known but not handled: its presence sends the caller to
// encoding/json.
type flatField struct {
	name string
	str  *string
	num  **int
}

// flatInput is an input whose common requests decodeFlat can decode (a
// flat object of strings and integers) without encoding/json's
// reflection; fields lists its members by their JSON names.
type flatInput interface{ flatFields() []flatField }

// decodeFlat decodes b, a JSON object, into fields exactly as
// encoding/json would decode it into the struct they belong to, and says
// true; or it touches nothing and says false when b holds anything it does
// not handle the same way (a \u escape, invalid UTF-8, null, a number
// that is not a small integer, a nested value for a field, a name that
// matches a field only case-insensitively, malformed JSON), and the caller
// decodes with encoding/json.
func decodeFlat(b []byte, fields []flatField) bool {
	type set struct {
		f   int
		s   string
		n   int
		num bool
	}
	var buf [8]set
	sets := buf[:0]
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return false
			}
			key, j, ok := flatString(b, i)
			if !ok {
				return false
			}
			i = skipSpace(b, j)
			if i >= len(b) || b[i] != ':' {
				return false
			}
			i = skipSpace(b, i+1)
			f := -1
			for k := range fields {
				if fields[k].name == key {
					f = k
					break
				}
			}
			switch {
			case f < 0:
				// encoding/json would match a field case-insensitively.
				for k := range fields {
					if strings.EqualFold(fields[k].name, key) {
						return false
					}
				}
				if !utf8ASCII(key) {
					return false
				}
				if i, ok = skipValue(b, i, 0); !ok {
					return false
				}
			case fields[f].str != nil:
				if i >= len(b) || b[i] != '"' {
					return false
				}
				var s string
				if s, i, ok = flatString(b, i); !ok {
					return false
				}
				sets = append(sets, set{f: f, s: s})
			case fields[f].num != nil:
				var n int
				if n, i, ok = flatInt(b, i); !ok {
					return false
				}
				sets = append(sets, set{f: f, n: n, num: true})
			default:
				return false
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return false
			}
			if b[i] == '}' {
				i++
				break
			}
			if b[i] != ',' {
				return false
			}
			i = skipSpace(b, i+1)
		}
	}
	if skipSpace(b, i) != len(b) {
		return false
	}
	for _, s := range sets {
		if s.num {
			n := s.n
			*fields[s.f].num = &n
		} else {
			*fields[s.f].str = s.s
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// utf8ASCII says whether s is ASCII, where strings.EqualFold and
// encoding/json's name folding agree.
func utf8ASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// flatString reads the string at b[i] (a quote) and returns it and the
// index after it. Escapes other than \u are decoded; \u and invalid UTF-8
// (which encoding/json replaces) are not handled.
func flatString(b []byte, i int) (string, int, bool) {
	end, escaped, ok := scanString(b, i)
	switch {
	case !ok:
		return "", 0, false
	case escaped:
		content, _, err := jsonx.ReadString(b[i:end])
		return string(content), end, err == nil
	}
	return string(b[i+1 : end-1]), end, true
}

// scanString finds the end of the string at b[i] (a quote), and whether
// it holds escapes; false for what flatString does not handle.
func scanString(b []byte, i int) (end int, escaped, ok bool) {
	for i++; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, escaped, true
		case c == '\\':
			// \u is left to encoding/json, like an invalid escape.
			if i+1 >= len(b) || strings.IndexByte(`"\\/bfnrt`, b[i+1]) < 0 {
				return 0, false, false
			}
			escaped = true
			i += 2
		case c < 0x20:
			return 0, false, false
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				return 0, false, false
			}
			i += n
		default:
			i++
		}
	}
	return 0, false, false
}

// flatInt reads an integer of at most nine digits, as JSON writes it.
func flatInt(b []byte, i int) (int, int, bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	start := i
	n := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		n = n*10 + int(b[i]-'0')
		i++
	}
	digits := i - start
	if digits == 0 || digits > 9 || digits > 1 && b[start] == '0' {
		return 0, 0, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, 0, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}

// skipValue steps over the valid JSON value at b[i], at nesting depth.
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) || depth > 32 {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		j, _, ok := scanString(b, i)
		if !ok {
			return 0, false
		}
		return j, true
	case c == '-' || '0' <= c && c <= '9':
		j := i + 1
		for j < len(b) && strings.IndexByte("0123456789+-.eE", b[j]) >= 0 {
			j++
		}
		if !json.Valid(b[i:j]) {
			return 0, false
		}
		return j, true
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
				return i + len(lit), true
			}
		}
		return 0, false
	case c == '{' || c == '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == end {
			return i + 1, true
		}
		for {
			var ok bool
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return 0, false
				}
				if i, _, ok = scanString(b, i); !ok {
					return 0, false
				}
				i = skipSpace(b, i)
				if i >= len(b) || b[i] != ':' {
					return 0, false
				}
				i = skipSpace(b, i+1)
			}
			if i, ok = skipValue(b, i, depth+1); !ok {
				return 0, false
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return 0, false
			}
			if b[i] == end {
				return i + 1, true
			}
			if b[i] != ',' {
				return 0, false
			}
			i = skipSpace(b, i+1)
		}
	}
	return 0, false
}
