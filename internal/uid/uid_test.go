package uid

import (
	"testing"

	"github.com/google/uuid"
)

// TestNew: version 4, RFC 4122 variant, and no repeats in a sample.
func TestNew(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		s := New()
		u, err := uuid.Parse(s)
		if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("%s: %v, version %d, variant %v", s, err, u.Version(), u.Variant())
		}
		if seen[s] {
			t.Fatalf("%s twice", s)
		}
		seen[s] = true
	}
}
