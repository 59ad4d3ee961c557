package attr

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckKey(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n/2) } // n bytes
	tests := []struct {
		v         Value
		want      Type
		partition bool
		msg       string
	}{
		{Str("x"), S, true, ""},
		{mustNumV(t, "0"), N, false, ""},
		{Bin([]byte{0}), B, true, ""},
		{Str(long(2048)), S, true, ""},
		{Str(long(1024)), S, false, ""},
		{Str("1"), N, true, "One or more parameter values were invalid: Type mismatch for key k expected: N actual: S"},
		{Str(""), S, true, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: k"},
		{Bin(nil), B, false, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: k"},
		{Str(long(2050)), S, true, msgPartitionKeySize},
		{Bin(make([]byte, 1025)), B, false, msgSortKeySize},
	}
	for i, tt := range tests {
		err := CheckKey("k", tt.v, tt.want, tt.partition)
		if tt.msg == "" && err != nil || tt.msg != "" && !errors.Is(err, &Error{Code: CodeValidation, Message: tt.msg}) {
			t.Errorf("%d: CheckKey = %v, want %q", i, err, tt.msg)
		}
	}
}
