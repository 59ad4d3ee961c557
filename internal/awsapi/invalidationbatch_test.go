package awsapi

import (
	"strings"
	"testing"
)

// TestParseInvalidationBatch: the documents the SDKs send, and the ones
// CloudFront refuses.
func TestParseInvalidationBatch(t *testing.T) {
	const ns = ` xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"`
	doc := func(attr, quantity, paths, ref string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><InvalidationBatch` + attr + `><Paths><Quantity>` + quantity + `</Quantity><Items>` + paths +
			`</Items></Paths><CallerReference>` + ref + `</CallerReference></InvalidationBatch>`
	}
	for _, c := range []struct {
		name, doc string
		paths     string // joined by spaces; "" when refused
		code      string
	}{
		{"one", doc(ns, "1", "<Path>/a</Path>", "r"), "/a", ""},
		{"no namespace", doc("", "2", "<Path>/a</Path><Path>/b/*</Path>", "r"), "/a /b/*", ""},
		{"escaped", doc(ns, "1", "<Path>/a&amp;b</Path>", "r"), "/a&b", ""},
		{"other namespace", doc(` xmlns="urn:x"`, "1", "<Path>/a</Path>", "r"), "", "MalformedInput"},
		{"not XML", "{}", "", "MalformedInput"},
		{"another document", "<Paths/>", "", "MalformedInput"},
		{"no reference", doc(ns, "1", "<Path>/a</Path>", ""), "", "InvalidArgument"},
		{"quantity", doc(ns, "3", "<Path>/a</Path>", "r"), "", "InconsistentQuantities"},
		{"no paths", doc(ns, "0", "", "r"), "", "InvalidArgument"},
		{"relative", doc(ns, "1", "<Path>a</Path>", "r"), "", "InvalidArgument"},
		{"inner star", doc(ns, "1", "<Path>/*.js</Path>", "r"), "", "InvalidArgument"},
		{"too many", doc(ns, "3001", strings.Repeat("<Path>/a</Path>", 3001), "r"), "", "InvalidArgument"},
	} {
		b, err := parseInvalidationBatch([]byte(c.doc))
		if c.code != "" {
			if e, ok := err.(*Error); !ok || e.Code != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			continue
		}
		if err != nil || strings.Join(b.Paths.Items, " ") != c.paths || b.CallerReference != "r" {
			t.Errorf("%s: %v %+v", c.name, err, b)
		}
	}
}

// FuzzParseInvalidationBatch: any document is parsed or refused with a
// catalog error, never a panic, and what is accepted keeps CloudFront's
// rules.
func FuzzParseInvalidationBatch(f *testing.F) {
	f.Add(`<InvalidationBatch><Paths><Quantity>1</Quantity><Items><Path>/a</Path></Items></Paths><CallerReference>r</CallerReference></InvalidationBatch>`)
	f.Add(`<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Paths><Quantity>2</Quantity><Items><Path>/*</Path><Path>/b</Path></Items></Paths><CallerReference>x</CallerReference></InvalidationBatch>`)
	f.Add(`<InvalidationBatch><Paths><Quantity>-1</Quantity></Paths></InvalidationBatch>`)
	f.Add(`<x`)
	f.Fuzz(func(t *testing.T, doc string) {
		b, err := parseInvalidationBatch([]byte(doc))
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("not a catalog error: %v", err)
			}
			return
		}
		if b.CallerReference == "" || len(b.Paths.Items) == 0 || b.Paths.Quantity != len(b.Paths.Items) || len(b.Paths.Items) > maxInvalidationPaths {
			t.Fatalf("accepted %+v", b)
		}
		for _, p := range b.Paths.Items {
			if !strings.HasPrefix(p, "/") || strings.Contains(strings.TrimSuffix(p, "*"), "*") {
				t.Fatalf("accepted path %q", p)
			}
		}
	})
}
