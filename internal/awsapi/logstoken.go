package awsapi

import (
	"strconv"
	"strings"
)

// CloudWatch Logs' pagination tokens are positions, not cursors kept on
// the server, so a token outlives restarts and costs nothing to hold:
//
//	p/N       the Nth item of a Describe* listing
//	f/N, b/N  GetLogEvents: forward from, or backward before, the Nth event
//	t/MS/K    FilterLogEvents: from the events at MS (Unix ms), skipping K
//
// A token of another kind, or malformed, is InvalidParameterException.
const (
	tokenPage     = "p"
	tokenForward  = "f"
	tokenBackward = "b"
	tokenTime     = "t"
)

// maxTokenLen bounds what parseToken reads: a kind and two int64s.
const maxTokenLen = 48

// makeToken is a token of kind with its numbers.
func makeToken(kind string, n ...int64) string {
	b := []byte(kind)
	for _, v := range n {
		b = append(b, '/')
		b = strconv.AppendInt(b, v, 10)
	}
	return string(b)
}

// parseToken reads a token of one of kinds with want numbers, each >= 0,
// and returns its kind and numbers.
func parseToken(tok string, want int, kinds ...string) (string, []int64, error) {
	bad := errInvalidParameter.With("The specified nextToken is invalid.")
	if len(tok) > maxTokenLen {
		return "", nil, bad
	}
	parts := strings.Split(tok, "/")
	if len(parts) != want+1 {
		return "", nil, bad
	}
	kind := parts[0]
	ok := false
	for _, k := range kinds {
		ok = ok || k == kind
	}
	if !ok {
		return "", nil, bad
	}
	n := make([]int64, want)
	for i, p := range parts[1:] {
		// Digits only: no sign, no spaces, so each position has one token.
		if p == "" || strings.Trim(p, "0123456789") != "" || (len(p) > 1 && p[0] == '0') {
			return "", nil, bad
		}
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return "", nil, bad
		}
		n[i] = v
	}
	return kind, n, nil
}

// pageBounds reads a Describe* token and returns the page [from, to) of a
// listing of n items, limit at a time, and the next page's token ("" at
// the end).
func pageBounds(n int, token *string, limit int) (from, to int, next string, err error) {
	if token != nil {
		_, v, err := parseToken(*token, 1, tokenPage)
		if err != nil {
			return 0, 0, "", err
		}
		from = int(min(v[0], int64(n)))
	}
	to = min(n, from+limit)
	if to < n {
		next = makeToken(tokenPage, int64(to))
	}
	return from, to, next, nil
}
