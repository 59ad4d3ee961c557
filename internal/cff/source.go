package cff

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/verge-edge/verge/internal/errs"
)

// ReadSource returns a function's JavaScript: a .js file as it is, a .ts
// file with its types stripped by esbuild. The TypeScript is transformed,
// not bundled: a CloudFront Function is one file whose top level defines
// handler, and its imports name the runtime's modules ('cloudfront',
// 'crypto'), which stay as they are. The code size limit applies to the
// JavaScript that results, as CloudFront counts what it runs.
func ReadSource(file string) ([]byte, error) {
	const op errs.Op = "cff.ReadSource"
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".js", ".mjs", ".cjs":
		return src, nil
	case ".ts", ".mts":
	default:
		return nil, errs.E(op, errs.Invalid, file, errs.Errorf("a cdn-function is a .js or .ts file"))
	}
	res := api.Transform(string(src), api.TransformOptions{
		Loader:     api.LoaderTS,
		Sourcefile: file,
		Target:     api.ES2020,
		Format:     api.FormatDefault, // keep the file's own shape: top-level handler, import lines
		LogLevel:   api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		m := res.Errors[0]
		where := file
		if m.Location != nil {
			where = fmt.Sprintf("%s:%d:%d", file, m.Location.Line, m.Location.Column+1)
		}
		return nil, errs.E(op, errs.Invalid, errs.Errorf("%s: %s", where, m.Text))
	}
	return res.Code, nil
}
