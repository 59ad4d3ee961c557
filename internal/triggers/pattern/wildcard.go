package pattern

import "github.com/verge-edge/verge/internal/glob"

// wildcard is EventBridge's dialect: '*' matches any run of characters,
// "\*" is a literal star and "\\" a literal backslash; any other escape, a
// trailing backslash and "**" are errors (event-ruler README).
var wildcard = glob.Options{Escapes: `*\`}

// parseGlob compiles a wildcard value, or returns the rule it breaks.
func parseGlob(s string) (glob.Pattern, string) {
	g, err := glob.Parse(s, wildcard)
	if err != nil {
		return glob.Pattern{}, err.Error()
	}
	return g, ""
}
