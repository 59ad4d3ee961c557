package expr

// tokenKind is the lexical class of a token.
type tokenKind uint8

const (
	tokEOF     tokenKind = iota
	tokIdent             // a name or keyword: letters, digits, _; not starting with a digit
	tokName              // #placeholder
	tokValue             // :placeholder
	tokNumber            // digits, in a list index
	tokPunct             // = <> < <= > >= ( ) [ ] , . + -
	tokIllegal           // any other character
)

// A token is a lexeme and where it sits in the source.
type token struct {
	kind       tokenKind
	text       string
	start, end int
}

// lex splits src into tokens, ending with tokEOF. It never fails: an
// unexpected character becomes a tokIllegal the parser reports.
func lex(src string) []token {
	toks := make([]token, 0, len(src)/4+2) // about one token per four bytes
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i == len(src) {
			return append(toks, token{kind: tokEOF, text: "<EOF>", start: i, end: i})
		}
		start := i
		kind := tokIllegal
		c := src[i]
		switch {
		case isIdentStart(c):
			kind, i = tokIdent, scanWord(src, i+1)
		case c >= '0' && c <= '9':
			kind = tokNumber
			for i < len(src) && src[i] >= '0' && src[i] <= '9' {
				i++
			}
		case c == '#' || c == ':':
			kind = tokName
			if c == ':' {
				kind = tokValue
			}
			i = scanWord(src, i+1)
			if i == start+1 {
				kind = tokIllegal
			}
		case c == '<' || c == '>':
			kind, i = tokPunct, i+1
			if i < len(src) && (src[i] == '=' || (c == '<' && src[i] == '>')) {
				i++
			}
		case isPunct(c):
			kind, i = tokPunct, i+1
		default:
			i++
		}
		toks = append(toks, token{kind: kind, text: src[start:i], start: start, end: i})
	}
}

// scanWord returns the end of the run of word characters from i.
func scanWord(src string, i int) int {
	for i < len(src) && (isIdentStart(src[i]) || src[i] >= '0' && src[i] <= '9') {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isPunct(c byte) bool {
	switch c {
	case '=', '(', ')', '[', ']', ',', '.', '+', '-':
		return true
	}
	return false
}
