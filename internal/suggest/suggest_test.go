package suggest

import "testing"

func TestSuggest(t *testing.T) {
	allowed := []string{"minTTL", "defaultTTL", "maxTTL", "cacheKeyParameters"}
	tests := []struct {
		in, want string
	}{
		{"defualtTTL", "defaultTTL"}, // transposition
		{"defaultTtl", "defaultTTL"}, // case
		{"defaultTT", "defaultTTL"},  // deletion
		{"minTTLs", "minTTL"},
		{"maxTL", "maxTTL"},
		{"cacheKeyParams", "cacheKeyParameters"},
		{"cachePolicy", ""}, // too far
		{"ttl", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Nearest(tt.in, allowed); got != tt.want {
			t.Errorf("Nearest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"a", "", 1},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"defualt", "default", 1},
		{"ab", "ba", 1},
		{"abc", "ca", 3},
		{"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}
