package s3

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// errStop ends a walk early.
var errStop = io.EOF

// walk visits the objects under the folder rel of root (whose keys start
// with prefix), descending into a folder only when descend accepts the key
// prefix its objects have. visit returning false ends the walk (errStop).
// The temporary folder and names that are not objects' are skipped; so are
// symbolic links, unless they lead to a regular file inside the folder.
func (s *Store) walk(root *os.Root, b *bucket, rel, prefix string, descend func(string) bool, visit func(key, rel string, d fs.DirEntry) bool) error {
	f, err := root.Open(rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	ents, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return err
	}
	lookup := s.lookup(b.name)
	for _, d := range ents {
		name := d.Name()
		if rel == "." && name == tmpFolder {
			continue
		}
		seg, ok := decodeName(name, lookup)
		if !ok {
			continue
		}
		key, child := prefix+seg, path.Join(rel, name)
		switch {
		case d.IsDir():
			if descend(key + "/") {
				if err := s.walk(root, b, child, key+"/", descend, visit); err != nil {
					return err
				}
			}
		case d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0 && isFileIn(root, child):
			if !visit(key, child, d) {
				return errStop
			}
		}
	}
	return nil
}

// isFileIn reports whether rel leads to a regular file inside root.
func isFileIn(root *os.Root, rel string) bool {
	fi, err := root.Stat(rel)
	return err == nil && fi.Mode().IsRegular()
}

// List lists a bucket's objects.
//
// It walks every folder that can hold a key with the prefix and after the
// marker, collects and sorts those keys, then pages: a page costs one
// directory read per such folder and a stat per key, plus an MD5 for a file
// written on disk the store has not hashed yet. Fine for a local bucket of
// tens of thousands of objects; there is no index to keep in step with the
// disk.
func (s *Store) List(ctx context.Context, in *ListInput) (*ListOutput, error) {
	b, err := s.bucket(in.Bucket)
	if err != nil {
		return nil, err
	}
	if in.MaxKeys <= 0 {
		// S3 answers max-keys=0 with an empty page that is not truncated.
		return &ListOutput{}, nil
	}
	root, err := b.root()
	if err != nil {
		return nil, err
	}
	defer root.Close()
	type found struct{ key, rel string }
	var all []found
	descend := func(p string) bool { return relevant(p, in.Prefix, in.After) }
	err = s.walk(root, b, ".", "", descend, func(key, rel string, _ fs.DirEntry) bool {
		if strings.HasPrefix(key, in.Prefix) && key > in.After {
			all = append(all, found{key, rel})
		}
		return ctx.Err() == nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, internal(err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b found) int { return strings.Compare(a.key, b.key) })

	out := &ListOutput{}
	n := 0
	for _, f := range all {
		cp := commonPrefix(f.key, in.Prefix, in.Delimiter)
		if cp != "" && (cp <= in.After || len(out.CommonPrefixes) > 0 && out.CommonPrefixes[len(out.CommonPrefixes)-1] == cp) {
			continue // in a prefix already returned
		}
		if n == in.MaxKeys {
			out.Truncated = true
			break
		}
		n++
		if cp != "" {
			out.CommonPrefixes = append(out.CommonPrefixes, cp)
			out.Next = cp
			continue
		}
		info, ok := s.infoAt(root, b, f.key, f.rel)
		if !ok {
			n-- // gone meanwhile
			continue
		}
		out.Objects = append(out.Objects, info)
		out.Next = f.key
	}
	return out, nil
}

// relevant reports whether a folder whose keys start with p can hold a key
// with prefix that sorts after after.
func relevant(p, prefix, after string) bool {
	if !strings.HasPrefix(p, prefix) && !strings.HasPrefix(prefix, p) {
		return false
	}
	// Every key starting with p is below after when after is greater
	// than p and does not start with it.
	return !(after > p && !strings.HasPrefix(after, p))
}

// commonPrefix is the prefix key rolls up into under delimiter, "" for
// none.
func commonPrefix(key, prefix, delimiter string) string {
	if delimiter == "" {
		return ""
	}
	rest := key[len(prefix):]
	i := strings.Index(rest, delimiter)
	if i < 0 {
		return ""
	}
	return prefix + rest[:i+len(delimiter)]
}
