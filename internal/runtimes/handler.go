package runtimes

import (
	"fmt"
	"path"
	"strings"
)

// SplitHandler checks a _HANDLER string as the family's bootstrap reads
// it, and returns the module (a path relative to the task root, without
// extension) and the function name. Node: "dir/file.fn" (fn may be a
// dotted path into the module); Python: "pkg/mod.fn" or "pkg.mod.fn".
// Provided runtimes accept anything.
func SplitHandler(f Family, handler string) (module, fn string, err error) {
	switch f {
	case Node:
		if strings.Contains(handler, "..") {
			return "", "", fmt.Errorf("runtimes: handler %q: '..' is not allowed in handler name", handler)
		}
		base := path.Base(handler)
		mod, fn, ok := strings.Cut(base, ".")
		if !ok || mod == "" || fn == "" || base == "." || base == "/" {
			return "", "", fmt.Errorf("runtimes: bad handler %q: want file.function", handler)
		}
		return strings.TrimSuffix(handler, base) + mod, fn, nil
	case Python:
		i := strings.LastIndexByte(handler, '.')
		if i <= 0 || i == len(handler)-1 {
			return "", "", fmt.Errorf("runtimes: bad handler %q: want module.function", handler)
		}
		mod := strings.ReplaceAll(handler[:i], ".", "/")
		if strings.HasPrefix(mod, "/") || strings.HasSuffix(mod, "/") || strings.Contains(mod, "//") {
			return "", "", fmt.Errorf("runtimes: bad handler %q: empty module name", handler)
		}
		return mod, handler[i+1:], nil
	}
	return "", handler, nil
}
