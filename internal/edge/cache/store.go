package cache

import "strings"

// Stats are a store's counters.
type Stats struct {
	Entries int64 `json:"entries"`
	Bytes   int64 `json:"bytes"`
	// Budget is the byte budget; zero for no budget.
	Budget int64 `json:"budget"`
}

// A Store holds entries by key within a byte budget.
type Store interface {
	// Get returns the entry stored under key.
	Get(key string) (*Entry, bool)
	// Set stores e under e.Key, replacing any entry there.
	Set(e *Entry)
	// Delete removes the entry under key.
	Delete(key string)
	// Purge removes every entry matching m and returns how many.
	Purge(m Matcher) int
	// Stats returns the store's counters.
	Stats() Stats
	// Close releases the store's resources.
	Close() error
}

// A Matcher selects entries to invalidate: those of distribution Dist (all
// distributions when empty) whose path equals one of Paths, or starts with
// one of Prefixes (CloudFront's "/images/*").
type Matcher struct {
	Dist     string
	Paths    []string
	Prefixes []string
}

// NewMatcher builds a Matcher from CloudFront invalidation paths: a path
// ending in "*" matches every path with that prefix; "/*" matches all.
func NewMatcher(dist string, paths []string) Matcher {
	m := Matcher{Dist: dist}
	for _, p := range paths {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			m.Prefixes = append(m.Prefixes, prefix)
		} else {
			m.Paths = append(m.Paths, p)
		}
	}
	return m
}

// Match reports whether an entry of distribution dist at path is selected.
func (m Matcher) Match(dist, path string) bool {
	if m.Dist != "" && m.Dist != dist {
		return false
	}
	for _, p := range m.Paths {
		if p == path {
			return true
		}
	}
	for _, p := range m.Prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
