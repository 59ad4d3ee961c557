package mimetype

import "testing"

func TestOf(t *testing.T) {
	for name, want := range map[string]string{
		"index.html":     "text/html; charset=utf-8",
		"a/b/APP.JS":     "text/javascript; charset=utf-8",
		"m.wasm":         "application/wasm",
		"x.webmanifest":  "application/manifest+json",
		"noext":          "application/octet-stream",
		"weird.zzzunkwn": "application/octet-stream",
		"a/b/":           "application/octet-stream",
	} {
		if got := Of(name); got != want {
			t.Errorf("Of(%q) = %q, want %q", name, got, want)
		}
	}
}
