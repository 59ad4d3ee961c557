package dynamodb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A tokKind is the kind of a PartiQL token.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tWord           // a bare identifier or keyword
	tQuoted         // a "double-quoted" identifier
	tString         // a 'single-quoted' string
	tNumber
	tParam // ?
	tPunct // operators and brackets
)

// A token is one lexeme of a statement: its kind, its text (unquoted for
// quoted identifiers and strings) and its byte offset.
type token struct {
	kind tokKind
	text string
	pos  int
}

// puncts are the operators and brackets, longest first so that "<="
// wins over "<".
var puncts = []string{"<<", ">>", "<>", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", "*", "=", "<", ">", "+", "-", ":", ";"}

// lex splits a statement into tokens, skipping white space and comments
// (-- to the end of the line, /* ... */).
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case strings.HasPrefix(src[i:], "--"):
			n := strings.IndexByte(src[i:], '\n')
			if n < 0 {
				n = len(src) - i
			}
			i += n
		case strings.HasPrefix(src[i:], "/*"):
			n := strings.Index(src[i+2:], "*/")
			if n < 0 {
				return nil, malformed("Unexpected end of statement")
			}
			i += n + 4
		case c == '\'' || c == '"':
			text, n, ok := quoted(src[i:], c)
			if !ok {
				return nil, malformed("Unexpected end of statement")
			}
			k := tString
			if c == '"' {
				k = tQuoted
			}
			toks = append(toks, token{kind: k, text: text, pos: i})
			i += n
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			n := numberLen(src[i:])
			toks = append(toks, token{kind: tNumber, text: src[i : i+n], pos: i})
			i += n
		case c == '?':
			toks = append(toks, token{kind: tParam, text: "?", pos: i})
			i++
		case isWordStart(src[i:]):
			n := wordLen(src[i:])
			toks = append(toks, token{kind: tWord, text: src[i : i+n], pos: i})
			i += n
		default:
			p := punct(src[i:])
			if p == "" {
				return nil, malformed("Invalid character")
			}
			toks = append(toks, token{kind: tPunct, text: p, pos: i})
			i += len(p)
		}
	}
	return append(toks, token{kind: tEOF, pos: len(src)}), nil
}

// quoted reads a literal quoted by q, where a doubled q stands for one:
// its text, the bytes it took and whether it was closed.
func quoted(s string, q byte) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

// numberLen is the length of the number literal s starts with: digits,
// a point, more digits, an exponent.
func numberLen(s string) int {
	i := 0
	digits := func() {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	digits()
	if i < len(s) && s[i] == '.' {
		i++
		digits()
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			i = j
			digits()
		}
	}
	return i
}

func isWordStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || r == '$' || unicode.IsLetter(r)
}

func wordLen(s string) int {
	for i, r := range s {
		if r != '_' && r != '$' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return i
		}
	}
	return len(s)
}

func punct(s string) string {
	for _, p := range puncts {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}
