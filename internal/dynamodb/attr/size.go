package attr

import "unicode/utf8"

// Size is the bytes DynamoDB counts for an item: for each attribute, the
// UTF-8 length of its name plus the size of its value.
func Size(item Item) int {
	n := 0
	for k, v := range item {
		n += len(k) + v.Size()
	}
	return n
}

// Size is the bytes DynamoDB counts for v: strings their UTF-8 length,
// binaries their length, numbers one byte per two significant digits plus
// one, BOOL and NULL one byte, sets the sum of their members, lists and
// maps three bytes plus one per element plus the elements (and, for maps,
// the keys).
func (v Value) Size() int {
	switch v.Type {
	case S:
		return len(v.S)
	case B:
		return len(v.B)
	case N:
		return numberSize(v.S)
	case BOOL, NULL:
		return sizeOneByte
	case SS, BS:
		n := 0
		for _, s := range v.Set {
			n += len(s)
		}
		return n
	case NS:
		n := 0
		for _, s := range v.Set {
			n += numberSize(s)
		}
		return n
	case L:
		n := sizeContainer + len(v.L)
		for _, x := range v.L {
			n += x.Size()
		}
		return n
	case M:
		return sizeContainer + len(v.M) + Size(v.M)
	}
	return 0
}

// numberSize is (significant digits + 1) / 2 + 1 for a canonical number.
func numberSize(canonical string) int {
	n, _ := ParseNumber(canonical)
	return (n.Digits()+1)/2 + 1
}

// ValidUTF8 reports whether every string in v is valid UTF-8, as DynamoDB
// requires.
func (v Value) ValidUTF8() bool {
	switch v.Type {
	case S:
		return utf8.ValidString(v.S)
	case SS:
		for _, s := range v.Set {
			if !utf8.ValidString(s) {
				return false
			}
		}
	case L:
		for _, x := range v.L {
			if !x.ValidUTF8() {
				return false
			}
		}
	case M:
		for k, x := range v.M {
			if !utf8.ValidString(k) || !x.ValidUTF8() {
				return false
			}
		}
	}
	return true
}

// CheckSize refuses an item over MaxItemSize with AWS's PutItem message;
// UpdateItem words it differently (see MsgUpdateTooLarge).
func CheckSize(item Item) error {
	if Size(item) > MaxItemSize {
		return invalidMsg(msgItemTooLarge)
	}
	return nil
}
