package errs

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

var (
	inner = E(Op("stack.parse"), Invalid, "verge.yaml:3:5", errors.New("unknown property"))
	outer = E(Op("stack.Load"), inner)
)

func TestError(t *testing.T) {
	type tc struct {
		name string
		err  error
		msg  string
	}
	for _, c := range []tc{
		{"op, path and cause", inner, "stack.parse: verge.yaml:3:5: unknown property"},
		{"nested", outer, "stack.Load: stack.parse: verge.yaml:3:5: unknown property"},
		{"no op", E(Invalid, "a:1:1", errors.New("one")), "a:1:1: one"},
		{"no path", E(Op("broker.Close"), Timeout, errors.New("draining took too long")), "broker.Close: draining took too long"},
		{"cause only", E(IO, fs.ErrNotExist), "file does not exist"},
		{"no cause: the kind", E(Op("x"), Timeout), "x: timeout"},
		{"nothing but a kind", E(NotFound), "not found"},
		{"path and kind", E(Op("x"), "/a", Permission), "x: /a: permission denied"},
		{"unknown kind", E(Kind(200)), "kind(200)"},
		{"unknown kind", E(Kind(200)), "kind(200)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.err.Error(); got != c.msg {
				t.Errorf("Error() = %q, want %q", got, c.msg)
			}
		})
	}
}

func TestIs(t *testing.T) {
	type tc struct {
		name string
		err  error
		kind Kind
		is   bool
	}
	for _, c := range []tc{
		{"own kind", inner, Invalid, true},
		{"kind inherited", outer, Invalid, true},
		{"other kind", outer, NotFound, false},
		{"no cause", E(Op("x"), Timeout), Timeout, true},
		{"wrapped std error", E(IO, fs.ErrNotExist), IO, true},
		{"inner kind under another", E(Unavailable, E(Throttled, errors.New("full"))), Throttled, true},
		{"outer kind over another", E(Unavailable, E(Throttled, errors.New("full"))), Unavailable, true},
		{"through fmt.Errorf", fmt.Errorf("loading: %w", inner), Invalid, true},
		{"through a List", List{errors.New("x"), E(NotFound, "f")}, NotFound, true},
		{"unclassified", E(Op("x"), errors.New("y")), Other, true},
		{"not an *Error", errors.New("plain"), Other, false},
		{"nil", nil, Invalid, false},
		{"a Kind itself", NotFound, NotFound, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := errors.Is(c.err, c.kind); got != c.is {
				t.Errorf("errors.Is(err, %v) = %v, want %v", c.kind, got, c.is)
			}
			if got := Is(c.kind, c.err); got != c.is {
				t.Errorf("Is(%v, err) = %v, want %v", c.kind, got, c.is)
			}
		})
	}
	if !errors.Is(E(IO, fs.ErrNotExist), fs.ErrNotExist) {
		t.Error("errors.Is does not see the cause")
	}
}

func TestAs(t *testing.T) {
	var e *Error
	if !errors.As(fmt.Errorf("wrapped: %w", outer), &e) || e.Op != "stack.Load" || e.Kind != Invalid {
		t.Fatalf("errors.As = %+v", e)
	}
	var k Kind
	if !errors.As(fmt.Errorf("wrapped: %w", NotFound), &k) || k != NotFound {
		t.Errorf("errors.As(Kind) = %v", k)
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
