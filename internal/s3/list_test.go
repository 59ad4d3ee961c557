package s3

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var listKeys = []string{
	"a", "a/", "a/b", "a/b/c", "a/c", "a/d//x", "b.txt", "b/x", "c/d/e/f", "é", "z", "/lead",
}

// TestList pages a fixed bucket through S3's parameters.
func TestList(t *testing.T) {
	h := newHarness(t)
	for _, k := range listKeys {
		if strings.HasPrefix(k, "a/") || k == "a" {
			continue // a is a file, a/... folders: written separately
		}
		h.put(t, k, "v:"+k)
	}
	for _, k := range []string{"a/", "a/b", "a/b/c", "a/c", "a/d//x"} {
		if k == "a/b" {
			continue // conflicts with a/b/c's folder
		}
		h.put(t, k, "v:"+k)
	}
	// Names that are not objects are skipped.
	os.WriteFile(filepath.Join(h.dir, ".verge~zz"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(h.dir, tmpFolder), 0o755)
	os.WriteFile(filepath.Join(h.dir, tmpFolder, "x.tmp"), []byte("x"), 0o644)

	type page struct {
		keys, prefixes []string
		truncated      bool
		next           string
	}
	tests := []struct {
		name string
		in   ListInput
		want page
	}{
		{"all", ListInput{MaxKeys: 1000}, page{keys: []string{"/lead", "a/", "a/b/c", "a/c", "a/d//x", "b.txt", "b/x", "c/d/e/f", "z", "é"}, next: "é"}},
		{"delimiter", ListInput{Delimiter: "/", MaxKeys: 1000}, page{keys: []string{"b.txt", "z", "é"}, prefixes: []string{"/", "a/", "b/", "c/"}, next: "é"}},
		{"prefix and delimiter", ListInput{Prefix: "a/", Delimiter: "/", MaxKeys: 1000}, page{keys: []string{"a/", "a/c"}, prefixes: []string{"a/b/", "a/d/"}, next: "a/d/"}},
		{"max keys counts prefixes", ListInput{Delimiter: "/", MaxKeys: 3}, page{keys: []string{"b.txt"}, prefixes: []string{"/", "a/"}, truncated: true, next: "b.txt"}},
		{"after a prefix", ListInput{Delimiter: "/", After: "b/", MaxKeys: 2}, page{keys: []string{"z"}, prefixes: []string{"c/"}, truncated: true, next: "z"}},
		{"after", ListInput{After: "b/x", MaxKeys: 1000}, page{keys: []string{"c/d/e/f", "z", "é"}, next: "é"}},
		{"prefix", ListInput{Prefix: "c/d", MaxKeys: 1000}, page{keys: []string{"c/d/e/f"}, next: "c/d/e/f"}},
		{"zero", ListInput{MaxKeys: 0}, page{}}, // as AWS: empty, not truncated
		{"nothing", ListInput{Prefix: "q", MaxKeys: 10}, page{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket = "b"
			out, err := h.s.List(context.Background(), &in)
			if err != nil {
				t.Fatal(err)
			}
			got := page{prefixes: out.CommonPrefixes, truncated: out.Truncated, next: out.Next}
			for _, o := range out.Objects {
				got.keys = append(got.keys, o.Key)
				if o.ETag != md5ETag("v:"+o.Key) {
					t.Errorf("%s: ETag %s", o.Key, o.ETag)
				}
			}
			if !slices.Equal(got.keys, tc.want.keys) || !slices.Equal(got.prefixes, tc.want.prefixes) || got.truncated != tc.want.truncated || got.next != tc.want.next {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	_, err := h.s.List(context.Background(), &ListInput{Bucket: "nope"})
	wantErr(t, err, ErrNoSuchBucket)
}

// TestListModel compares random listings with a model over the sorted key
// list, paging each to its end as a client does.
func TestListModel(t *testing.T) {
	h := newHarness(t)
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "/", "c", "é"}
	var keys []string
	seen := map[string]bool{}
	for len(keys) < 120 {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		k := b.String()
		if seen[k] {
			continue
		}
		seen[k] = true
		_, err := h.s.Put(context.Background(), &PutInput{Bucket: "b", Key: k, Body: strings.NewReader(k), Size: int64(len(k))})
		if err == nil {
			keys = append(keys, k)
		} else if !errors.Is(err, ErrKeyConflict) {
			t.Fatal(err)
		}
	}
	slices.Sort(keys)
	for i := range 60 {
		in := ListInput{Bucket: "b", Prefix: []string{"", "a", "a/", "b/", "/"}[i%5], MaxKeys: 1 + r.IntN(7)}
		if r.IntN(2) == 0 {
			in.Delimiter = "/"
		}
		var gotK, gotP []string
		for pages := 0; ; pages++ {
			out, err := h.s.List(context.Background(), &in)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Objects)+len(out.CommonPrefixes) > in.MaxKeys {
				t.Fatalf("page over MaxKeys")
			}
			for _, o := range out.Objects {
				gotK = append(gotK, o.Key)
			}
			gotP = append(gotP, out.CommonPrefixes...)
			if !out.Truncated {
				break
			}
			in.After = out.Next
		}
		wantK, wantP := modelList(keys, in.Prefix, in.Delimiter)
		if !slices.Equal(gotK, wantK) || !slices.Equal(gotP, wantP) {
			t.Errorf("prefix %q delimiter %q max %d:\nkeys %q\nwant %q\nprefixes %q\nwant %q", in.Prefix, in.Delimiter, in.MaxKeys, gotK, wantK, gotP, wantP)
		}
	}
}

// modelList is S3's listing of sorted keys, all pages at once.
func modelList(keys []string, prefix, delimiter string) (objs, prefixes []string) {
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if delimiter != "" {
			if i := strings.Index(k[len(prefix):], delimiter); i >= 0 {
				cp := k[:len(prefix)+i+1]
				if len(prefixes) == 0 || prefixes[len(prefixes)-1] != cp {
					prefixes = append(prefixes, cp)
				}
				continue
			}
		}
		objs = append(objs, k)
	}
	return objs, prefixes
}
