package attr

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseNumber(t *testing.T) {
	big38 := "9.9999999999999999999999999999999999999E+125"
	tests := []struct{ in, want, err string }{
		{"0", "0", ""},
		{"-0", "0", ""},
		{"+0.000", "0", ""},
		{"1.5", "1.5", ""},
		{"001.500", "1.5", ""},
		{"-12.30e2", "-1230", ""},
		{"1E2", "100", ""},
		{"1e-3", "0.001", ""},
		{".5", "0.5", ""},
		{"5.", "5", ""},
		{"123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678", ""},
		{"1E-130", "0." + strings.Repeat("0", 129) + "1", ""},
		{big38, "99999999999999999999999999999999999999" + strings.Repeat("0", 88), ""},
		{"1E+126", "", msgOverflow},
		{"-1E+126", "", msgOverflow},
		{"1E-131", "", msgUnderflow},
		{"1E99999999999", "", msgOverflow},
		{"1.2345678901234567890123456789012345678901", "", msgPrecision},
		{"", "", msgNotNumber},
		{"abc", "", msgNotNumber + ": abc"},
		{"1e", "", msgNotNumber + ": 1e"},
		{"1.2.3", "", msgNotNumber + ": 1.2.3"},
		{" 1", "", msgNotNumber + ":  1"},
		{"-", "", msgNotNumber + ": -"},
		{".", "", msgNotNumber + ": ."},
		{"0x10", "", msgNotNumber + ": 0x10"},
		{"Infinity", "", msgNotNumber + ": Infinity"},
	}
	for _, tt := range tests {
		n, err := ParseNumber(tt.in)
		if tt.err != "" {
			if !errors.Is(err, &Error{Code: CodeValidation, Message: tt.err}) {
				t.Errorf("ParseNumber(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || n.String() != tt.want {
			t.Errorf("ParseNumber(%q) = %q, %v; want %q", tt.in, n.String(), err, tt.want)
		}
	}
}

func mustNum(t testing.TB, s string) Number {
	t.Helper()
	n, err := ParseNumber(s)
	if err != nil {
		t.Fatalf("ParseNumber(%q): %v", s, err)
	}
	return n
}

func TestNumberArithmetic(t *testing.T) {
	tests := []struct{ a, b, sum, diff string }{
		{"0.1", "0.2", "0.3", "-0.1"},
		{"1", "-1", "0", "2"},
		{"1E100", "1E100", "20000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", "0"},
		{"-5.5", "2.25", "-3.25", "-7.75"},
		{"99999999999999999999999999999999999999", "-1", "99999999999999999999999999999999999998", "100000000000000000000000000000000000000"},
	}
	for _, tt := range tests {
		a, b := mustNum(t, tt.a), mustNum(t, tt.b)
		s, err := a.Add(b)
		if err != nil || s.String() != tt.sum {
			t.Errorf("%s + %s = %s, %v; want %s", tt.a, tt.b, s, err, tt.sum)
		}
		d, err := a.Sub(b)
		if err != nil || d.String() != tt.diff {
			t.Errorf("%s - %s = %s, %v; want %s", tt.a, tt.b, d, err, tt.diff)
		}
	}
	// 38 nines + 1 needs no 39th digit (1E38); 1E100 + 1 does.
	if _, err := mustNum(t, "1E100").Add(mustNum(t, "1")); !errors.Is(err, &Error{Code: CodeValidation, Message: msgPrecision}) {
		t.Errorf("1E100 + 1: err = %v, want precision error", err)
	}
	if _, err := mustNum(t, "9.9999999999999999999999999999999999999E+125").Add(mustNum(t, "1E+125")); !errors.Is(err, &Error{Code: CodeValidation, Message: msgOverflow}) {
		t.Errorf("max + 1E125: err = %v, want overflow", err)
	}
}

func TestNumberCmp(t *testing.T) {
	order := []string{"-1E125", "-10", "-9.99", "-1", "-0.5", "-1E-130", "0", "1E-130", "0.5", "1", "1.0001", "9.99", "10", "11", "1E125"}
	for i, a := range order {
		for j, b := range order {
			want := cmpInt(i, j)
			if got := mustNum(t, a).Cmp(mustNum(t, b)); got != want {
				t.Errorf("Cmp(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func FuzzNumber(f *testing.F) {
	for _, s := range []string{"0", "1.5", "-12.30e2", "1E-130", "9.9999999999999999999999999999999999999E+125", "abc", ".5", "1e", "00012.3400"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		n, err := ParseNumber(a)
		if err != nil {
			return
		}
		c := n.String()
		n2, err := ParseNumber(c)
		if err != nil || n2.String() != c || n2 != n {
			t.Fatalf("%q → %q does not re-parse to itself: %q, %v", a, c, n2.String(), err)
		}
		if n.IsZero() && strings.ContainsAny(a, "eE") {
			return // zero with any exponent; big.Rat refuses huge ones
		}
		if n.Rat().Cmp(mustRat(t, a)) != 0 {
			t.Fatalf("%q parsed to %s, not its value", a, c)
		}
		m, err := ParseNumber(b)
		if err != nil {
			return
		}
		if got, want := n.Cmp(m), n.Rat().Cmp(m.Rat()); got != want {
			t.Fatalf("Cmp(%s, %s) = %d, big.Rat says %d", n, m, got, want)
		}
		if s, err := n.Add(m); err == nil {
			if s.Rat().Cmp(new(big.Rat).Add(n.Rat(), m.Rat())) != 0 {
				t.Fatalf("%s + %s = %s, inexact", n, m, s)
			}
		}
	})
}

// mustRat parses s with big.Rat, which accepts DynamoDB's syntax and more.
func mustRat(t *testing.T, s string) *big.Rat {
	r, ok := new(big.Rat).SetString(strings.TrimPrefix(s, "+"))
	if !ok {
		t.Fatalf("big.Rat cannot parse %q that ParseNumber accepted", s)
	}
	return r
}
