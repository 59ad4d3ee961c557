package expr

import (
	"slices"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// Project returns the parts of item at paths, nested as in item: map
// keys keep their maps, list elements keep their order (the list
// compacted to the projected indexes). Paths that lead nowhere add
// nothing.
func Project(item attr.Item, paths []Path) attr.Item {
	root := &ptree{}
	for _, p := range paths {
		root.add(p)
	}
	out := attr.Item{}
	for name, sub := range root.names {
		if v, ok := item[name]; ok {
			if r, ok := sub.apply(v); ok {
				out[name] = r
			}
		}
	}
	return out
}

// A ptree is paths merged by prefix: a leaf takes the whole value.
type ptree struct {
	leaf    bool
	names   map[string]*ptree
	indexes map[int]*ptree
}

func (t *ptree) add(p Path) {
	for _, e := range p {
		var next *ptree
		if e.IsIndex {
			if t.indexes == nil {
				t.indexes = map[int]*ptree{}
			}
			next = t.indexes[e.Index]
			if next == nil {
				next = &ptree{}
				t.indexes[e.Index] = next
			}
		} else {
			if t.names == nil {
				t.names = map[string]*ptree{}
			}
			next = t.names[e.Name]
			if next == nil {
				next = &ptree{}
				t.names[e.Name] = next
			}
		}
		t = next
	}
	t.leaf = true
}

func (t *ptree) apply(v attr.Value) (attr.Value, bool) {
	switch {
	case t.leaf:
		return v.Clone(), true
	case v.Type == attr.M && t.names != nil:
		m := map[string]attr.Value{}
		for name, sub := range t.names {
			if x, ok := v.M[name]; ok {
				if r, ok := sub.apply(x); ok {
					m[name] = r
				}
			}
		}
		return attr.Map(m), len(m) > 0
	case v.Type == attr.L && t.indexes != nil:
		idx := make([]int, 0, len(t.indexes))
		for i := range t.indexes {
			idx = append(idx, i)
		}
		slices.Sort(idx)
		var l []attr.Value
		for _, i := range idx {
			if i < len(v.L) {
				if r, ok := t.indexes[i].apply(v.L[i]); ok {
					l = append(l, r)
				}
			}
		}
		return attr.List(l...), len(l) > 0
	}
	return attr.Value{}, false
}
