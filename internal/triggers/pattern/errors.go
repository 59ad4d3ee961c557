package pattern

// Error is a pattern compile error: where in the pattern and which rule was
// broken.
type Error struct {
	// Path locates the fault in the pattern: dotted keys, with the branch
	// index after "$or" ("detail.total", "detail.$or[1].state"); empty for
	// the whole pattern.
	Path string
	// Rule says what was expected, e.g. "numeric: expected [op, number] pairs".
	Rule string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Rule
	}
	return e.Path + ": " + e.Rule
}

func errorAt(path, rule string) *Error { return &Error{Path: path, Rule: rule} }
