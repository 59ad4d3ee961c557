package awsapi

import (
	"strconv"
	"testing"
)

func TestParseToken(t *testing.T) {
	for _, c := range []struct {
		tok   string
		want  int
		kinds []string
		ok    bool
	}{
		{"p/0", 1, []string{tokenPage}, true},
		{"f/12", 1, []string{tokenForward, tokenBackward}, true},
		{"t/1763805600000/3", 2, []string{tokenTime}, true},
		{"p/01", 1, []string{tokenPage}, false},
		{"p/-1", 1, []string{tokenPage}, false},
		{"p/+1", 1, []string{tokenPage}, false},
		{"p/", 1, []string{tokenPage}, false},
		{"p/1/2", 1, []string{tokenPage}, false},
		{"f/1", 1, []string{tokenPage}, false},
		{"p/99999999999999999999", 1, []string{tokenPage}, false},
		{"", 1, []string{tokenPage}, false},
	} {
		_, _, err := parseToken(c.tok, c.want, c.kinds...)
		if (err == nil) != c.ok {
			t.Errorf("parseToken(%q): %v", c.tok, err)
		}
	}
}

// FuzzParseToken: a token never panics the parser; one it accepts is the
// token makeToken writes for its numbers, so each position has one token.
func FuzzParseToken(f *testing.F) {
	for _, s := range []string{"p/0", "f/12", "b/3", "t/1763805600000/3", "t//", "p/01", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		for want := 1; want <= 2; want++ {
			kind, n, err := parseToken(tok, want, tokenPage, tokenForward, tokenBackward, tokenTime)
			if err != nil {
				continue
			}
			if again := makeToken(kind, n...); again != tok {
				t.Fatalf("parseToken(%q) = %s %v, which makes %q", tok, kind, n, again)
			}
			for _, v := range n {
				if v < 0 {
					t.Fatalf("negative %d in %q", v, tok)
				}
			}
		}
		// And pageBounds stays in bounds whatever the token.
		for _, size := range []int{0, 1, 7} {
			from, to, next, err := pageBounds(size, &tok, 3)
			if err == nil && (from < 0 || to > size || from > to) {
				t.Fatalf("pageBounds(%d, %q) = %d, %d", size, tok, from, to)
			}
			if next != "" {
				if _, v, err := parseToken(next, 1, tokenPage); err != nil || strconv.FormatInt(v[0], 10) != strconv.Itoa(to) {
					t.Fatalf("next %q after %d", next, to)
				}
			}
		}
	})
}
