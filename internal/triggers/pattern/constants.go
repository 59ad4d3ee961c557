package pattern

// Operator names: the keys of an operator object in a pattern's value list.
const (
	opAnythingBut      = "anything-but"
	opCIDR             = "cidr"
	opEqualsIgnoreCase = "equals-ignore-case"
	opExists           = "exists"
	opNumeric          = "numeric"
	opPrefix           = "prefix"
	opSuffix           = "suffix"
	opWildcard         = "wildcard"

	// orKey introduces alternatives when its value is an array of two or
	// more objects that use no operator name as a key.
	orKey = "$or"
)

// Numeric comparison operators.
const (
	numEQ = "="
	numLT = "<"
	numLE = "<="
	numGT = ">"
	numGE = ">="
)

// Limits.
const (
	// MaxPatternSize is the largest pattern accepted, in bytes; EventBridge's
	// TestEventPattern accepts at most 4096 characters.
	MaxPatternSize = 4096
	// MaxPatternDepth caps the JSON nesting of a pattern.
	MaxPatternDepth = 32
	// MaxEventDepth caps the JSON nesting of an event.
	MaxEventDepth = 256
	// NumericLimit bounds the numbers in a numeric pattern (and numeric
	// anything-but), as event-ruler documents: -5e9 to 5e9 inclusive.
	NumericLimit = 5e9
)

// pathSep joins field names into a path; as in event-ruler, {"a.b": …} and
// {"a": {"b": …}} therefore name the same field.
const pathSep = "."
