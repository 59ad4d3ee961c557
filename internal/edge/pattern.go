package edge

import "github.com/verge-edge/verge/internal/glob"

// compilePattern compiles a CloudFront path pattern: "*" matches any run of
// bytes (slashes included), "?" exactly one byte, everything else itself,
// case-sensitive.
func compilePattern(src string) glob.Pattern {
	return glob.Compile(src, glob.Options{Question: glob.QuestionByte})
}
