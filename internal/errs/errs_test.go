package errs

import (
	"errors"
	"io/fs"
	"testing"
)

func TestE(t *testing.T) {
	inner := E(Op("stack.decode"), Invalid, "verge.yaml:3:5", errors.New("unknown property"))
	outer := E(Op("stack.Load"), inner)
	type tc struct {
		name string
		err  error
		kind Kind
		is   bool
		msg  string
	}
	for _, c := range []tc{
		{"inner kind", inner, Invalid, true, "verge.yaml:3:5: unknown property"},
		{"kind inherited", outer, Invalid, true, "verge.yaml:3:5: unknown property"},
		{"other kind", outer, NotFound, false, ""},
		{"no cause", E(Op("x"), Timeout), Timeout, true, "timeout"},
		{"wrapped std error", E(IO, fs.ErrNotExist), IO, true, "file does not exist"},
	} {
		if got := Is(c.kind, c.err); got != c.is {
			t.Errorf("%s: Is(%v) = %v", c.name, c.kind, got)
		}
		if c.msg != "" && c.err.Error() != c.msg {
			t.Errorf("%s: %q, want %q", c.name, c.err.Error(), c.msg)
		}
	}
	if !errors.Is(E(IO, fs.ErrNotExist), fs.ErrNotExist) {
		t.Error("errors.Is does not see the cause")
	}
}

func TestList(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Error("an empty list is an error")
	}
	l = append(l, E(Invalid, "a:1:1", errors.New("one")), E(Invalid, "a:2:1", errors.New("two")))
	if got := l.Err().Error(); got != "a:1:1: one\na:2:1: two" {
		t.Errorf("%q", got)
	}
	var e *Error
	if !errors.As(l.Err(), &e) || e.Path != "a:1:1" {
		t.Error("errors.As does not reach the list's errors")
	}
}
