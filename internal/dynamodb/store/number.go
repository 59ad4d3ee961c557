package store

import "strings"

// A number is a DynamoDB N normalised: value = sign × 0.digits × 10^exp,
// digits without leading or trailing zeros ("" for zero), so that equal
// numbers ("1", "1.0", "10E-1") have one form.
type number struct {
	neg    bool
	digits string
	exp    int
}

// parseNumber reads DynamoDB's decimal form: an optional sign, digits with
// an optional point, an optional exponent; at most 38 significant digits
// and a magnitude from 1E-130 to below 1E+126, as AWS allows.
func parseNumber(s string) (number, bool) {
	var n number
	rest := s
	if r, ok := strings.CutPrefix(rest, "-"); ok {
		n.neg, rest = true, r
	} else if r, ok := strings.CutPrefix(rest, "+"); ok {
		rest = r
	}
	mant, expPart, hasExp := strings.Cut(strings.ToLower(rest), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return number{}, false
	}
	e := 0
	if hasExp {
		v, ok := parseExp(expPart)
		if !ok {
			return number{}, false
		}
		e = v
	}
	all := intPart + frac
	lead := len(all) - len(strings.TrimLeft(all, "0"))
	digits := strings.TrimRight(all[lead:], "0")
	if digits == "" {
		return number{}, true // zero, whatever its sign
	}
	n.digits = digits
	n.exp = len(intPart) - lead + e
	if len(digits) > maxDigits || n.exp > maxExp || n.exp < minExp {
		return number{}, false
	}
	return n, true
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseExp reads an exponent of at most 4 digits with an optional sign.
func parseExp(s string) (int, bool) {
	neg := false
	if r, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, r
	} else if r, ok := strings.CutPrefix(s, "+"); ok {
		s = r
	}
	if s == "" || len(s) > 4 || !allDigits(s) {
		return 0, false
	}
	v := 0
	for i := range len(s) {
		v = v*10 + int(s[i]-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// String is the number's canonical decimal form (what GetItem returns
// for a key attribute is the caller's own string; this is for keys
// decoded from their encoding).
func (n number) String() string {
	if n.digits == "" {
		return "0"
	}
	var b strings.Builder
	if n.neg {
		b.WriteByte('-')
	}
	switch {
	case n.exp <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -n.exp))
		b.WriteString(n.digits)
	case n.exp >= len(n.digits):
		b.WriteString(n.digits)
		b.WriteString(strings.Repeat("0", n.exp-len(n.digits)))
	default:
		b.WriteString(n.digits[:n.exp])
		b.WriteByte('.')
		b.WriteString(n.digits[n.exp:])
	}
	return b.String()
}

// appendNumber appends n's order-preserving encoding: a tag (negative,
// zero, positive), then for non-zero numbers the exponent biased into two
// bytes and the digits, ended by a byte below every digit. For negative
// numbers exponent and digits are complemented, and the end byte is above
// every digit, so that a larger magnitude sorts first.
func appendNumber(b []byte, n number) []byte {
	switch {
	case n.digits == "":
		return append(b, numZero)
	case n.neg:
		e := uint16(expBias - n.exp)
		b = append(b, numNeg, byte(e>>8), byte(e))
		for i := range len(n.digits) {
			b = append(b, '9'-n.digits[i]+'0')
		}
		return append(b, numNegEnd)
	default:
		e := uint16(expBias + n.exp)
		b = append(b, numPos, byte(e>>8), byte(e))
		b = append(b, n.digits...)
		return append(b, numPosEnd)
	}
}

// readNumber decodes a number encoded by appendNumber at the start of b,
// returning it and the bytes after it.
func readNumber(b []byte) (number, []byte, bool) {
	if len(b) == 0 {
		return number{}, nil, false
	}
	tag := b[0]
	if tag == numZero {
		return number{}, b[1:], true
	}
	if tag != numNeg && tag != numPos || len(b) < 3 {
		return number{}, nil, false
	}
	e := int(b[1])<<8 | int(b[2])
	n := number{neg: tag == numNeg}
	end := byte(numPosEnd)
	if n.neg {
		n.exp, end = expBias-e, numNegEnd
	} else {
		n.exp = e - expBias
	}
	var d []byte
	for i := 3; i < len(b); i++ {
		c := b[i]
		if c == end {
			if len(d) == 0 || d[0] == '0' || d[len(d)-1] == '0' {
				return number{}, nil, false
			}
			n.digits = string(d)
			return n, b[i+1:], true
		}
		if c < '0' || c > '9' {
			return number{}, nil, false
		}
		if n.neg {
			c = '9' - c + '0'
		}
		d = append(d, c)
	}
	return number{}, nil, false
}
