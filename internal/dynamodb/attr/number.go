package attr

import (
	"math/big"
	"strings"
)

// A Number is a DynamoDB number: digits × 10^exp, negated when neg. digits
// holds the significant digits with no leading or trailing zero; zero has
// none. Every Number built by this package is within DynamoDB's range.
type Number struct {
	neg    bool
	digits string
	exp    int
}

// An exponent of more than maxExpDigits digits is out of range whatever
// the mantissa: ParseNumber reads it as expOutOfRange.
const (
	maxExpDigits  = 6
	expOutOfRange = 10_000_000
)

// ParseNumber parses s as DynamoDB does: an optional sign, decimal digits
// with at most one point, an optional exponent. It refuses what DynamoDB
// refuses, with its messages.
func ParseNumber(s string) (Number, error) {
	neg := false
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart, fracPart := s[intStart:i], ""
	if i < len(s) && s[i] == '.' {
		fracStart := i + 1
		for i = fracStart; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
		fracPart = s[fracStart:i]
	}
	e, ok := parseExponent(s[i:])
	if intPart == "" && fracPart == "" || !ok {
		return Number{}, notNumber(s)
	}
	// Fractional digits that are all zeros change nothing; skipping them
	// spares a concatenation.
	mant := intPart
	if strings.TrimRight(fracPart, "0") != "" {
		mant = intPart + fracPart
		e -= len(fracPart)
	}
	return normalize(neg, mant, e)
}

// notNumber is AWS's error for text that is no number: the text follows
// the message unless it is empty.
func notNumber(s string) *Error {
	if s == "" {
		return invalidMsg(msgNotNumber)
	}
	return invalid("%s: %s", msgNotNumber, s)
}

// parseExponent reads "", or e/E, an optional sign and digits. An exponent
// too long to matter is clamped far outside the range.
func parseExponent(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	if s[0] != 'e' && s[0] != 'E' {
		return 0, false
	}
	s = s[1:]
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	e := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		if i < maxExpDigits {
			e = e*10 + int(s[i]-'0')
		} else {
			e = expOutOfRange
		}
	}
	if neg {
		e = -e
	}
	return e, true
}

// normalize trims digits to significant ones, folding trailing zeros into
// exp, and checks DynamoDB's limits.
func normalize(neg bool, digits string, exp int) (Number, error) {
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return Number{}, nil
	}
	t := strings.TrimRight(digits, "0")
	exp += len(digits) - len(t)
	n := Number{neg: neg, digits: t, exp: exp}
	switch adj := n.adjusted(); {
	case adj > MaxExponent:
		return Number{}, invalidMsg(msgOverflow)
	case adj < MinExponent:
		return Number{}, invalidMsg(msgUnderflow)
	case len(t) > MaxDigits:
		return Number{}, invalidMsg(msgPrecision)
	}
	return n, nil
}

// adjusted is the power of ten of the first significant digit.
func (n Number) adjusted() int { return n.exp + len(n.digits) - 1 }

// IsZero reports whether n is zero.
func (n Number) IsZero() bool { return n.digits == "" }

// Sign is -1, 0 or 1.
func (n Number) Sign() int {
	switch {
	case n.digits == "":
		return 0
	case n.neg:
		return -1
	}
	return 1
}

// Digits is how many significant digits n has (0 for zero).
func (n Number) Digits() int { return len(n.digits) }

// String is n as DynamoDB returns it: plain notation, no exponent, no
// leading zero before the units, no trailing zero after the point.
func (n Number) String() string {
	if n.digits == "" {
		return "0"
	}
	var b strings.Builder
	if n.neg {
		b.WriteByte('-')
	}
	switch p := len(n.digits) + n.exp; {
	case n.exp >= 0:
		b.WriteString(n.digits)
		b.WriteString(strings.Repeat("0", n.exp))
	case p > 0:
		b.WriteString(n.digits[:p])
		b.WriteByte('.')
		b.WriteString(n.digits[p:])
	default:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -p))
		b.WriteString(n.digits)
	}
	return b.String()
}

// Cmp compares n and m: -1, 0 or 1.
func (n Number) Cmp(m Number) int {
	if s, t := n.Sign(), m.Sign(); s != t || s == 0 {
		return cmpInt(s, t)
	}
	c := cmpInt(n.adjusted(), m.adjusted())
	if c == 0 {
		// Same first power of ten and no leading zeros: the digit
		// strings compare as the numbers do.
		c = strings.Compare(n.digits, m.digits)
	}
	if n.neg {
		return -c
	}
	return c
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Add returns n + m exactly, or DynamoDB's error when the sum is out of
// range or needs more than 38 digits.
func (n Number) Add(m Number) (Number, error) {
	if n.IsZero() {
		return m, nil
	}
	if m.IsZero() {
		return n, nil
	}
	e := min(n.exp, m.exp)
	sum := new(big.Int).Add(n.scaled(e), m.scaled(e))
	neg := sum.Sign() < 0
	return normalize(neg, new(big.Int).Abs(sum).String(), e)
}

// Sub returns n - m exactly.
func (n Number) Sub(m Number) (Number, error) { return n.Add(m.Neg()) }

// Neg returns -n.
func (n Number) Neg() Number {
	if n.digits != "" {
		n.neg = !n.neg
	}
	return n
}

// scaled is n's signed coefficient at exponent e ≤ n.exp.
func (n Number) scaled(e int) *big.Int {
	c, _ := new(big.Int).SetString(n.digits, 10)
	c.Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.exp-e)), nil))
	if n.neg {
		c.Neg(c)
	}
	return c
}

// Rat returns n as an exact rational.
func (n Number) Rat() *big.Rat {
	if n.digits == "" {
		return new(big.Rat)
	}
	c, _ := new(big.Int).SetString(n.digits, 10)
	if n.neg {
		c.Neg(c)
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(n.exp))), nil)
	if n.exp >= 0 {
		return new(big.Rat).SetInt(c.Mul(c, p))
	}
	return new(big.Rat).SetFrac(c, p)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// CanonicalNumber parses s and returns its canonical form.
func CanonicalNumber(s string) (string, error) {
	n, err := ParseNumber(s)
	if err != nil {
		return "", err
	}
	return n.String(), nil
}
