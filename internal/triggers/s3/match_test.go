package s3

import (
	"errors"
	"strings"
	"testing"
)

func TestValidEventType(t *testing.T) {
	tests := []struct {
		t    string
		want bool
	}{
		{"s3:ObjectCreated:*", true},
		{"s3:ObjectCreated:Put", true},
		{"s3:ObjectCreated:CompleteMultipartUpload", true},
		{"s3:ObjectRemoved:DeleteMarkerCreated", true},
		{"s3:ObjectTagging:*", true},
		{"s3:ObjectRestore:Completed", true},
		{"s3:ReducedRedundancyLostObject", true},
		{"s3:Replication:OperationNotTracked", true},
		{"s3:LifecycleExpiration:*", true},
		{"s3:LifecycleTransition", true},
		{"s3:IntelligentTiering", true},
		{"s3:ObjectAcl:Put", true},
		{"s3:TestEvent", false}, // S3's own, not configurable
		{"s3:*", false},
		{"s3:objectcreated:put", false}, // case matters
		{"ObjectCreated:Put", false},    // the event name, not the type
		{"s3:ObjectCreated:Delete", false},
		{"s3:ObjectAcl:*", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidEventType(tt.t); got != tt.want {
			t.Errorf("ValidEventType(%q) = %v, want %v", tt.t, got, tt.want)
		}
	}
	if got := EventTypes(); len(got) != len(eventTypes) || &got[0] == &eventTypes[0] {
		t.Errorf("EventTypes() is not a copy of the %d types", len(eventTypes))
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		name           string
		events         []string
		prefix, suffix string
		event, key     string
		want           bool
	}{
		{"exact", []string{"s3:ObjectCreated:Put"}, "", "", "ObjectCreated:Put", "a", true},
		{"other type", []string{"s3:ObjectCreated:Put"}, "", "", "ObjectCreated:Copy", "a", false},
		{"wildcard", []string{"s3:ObjectCreated:*"}, "", "", "ObjectCreated:CompleteMultipartUpload", "a", true},
		{"wildcard other family", []string{"s3:ObjectCreated:*"}, "", "", "ObjectRemoved:Delete", "a", false},
		{"second type", []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}, "", "", "ObjectRemoved:DeleteMarkerCreated", "a", true},
		{"no family prefix trick", []string{"s3:ObjectCreated:*"}, "", "", "ObjectCreated:", "a", false},
		{"type without s3:", []string{"ObjectCreated:Put"}, "", "", "ObjectCreated:Put", "a", false},
		{"prefix", []string{"s3:ObjectCreated:*"}, "images/", "", "ObjectCreated:Put", "images/a.jpg", true},
		{"prefix miss", []string{"s3:ObjectCreated:*"}, "images/", "", "ObjectCreated:Put", "docs/a.jpg", false},
		{"prefix case", []string{"s3:ObjectCreated:*"}, "Images/", "", "ObjectCreated:Put", "images/a.jpg", false},
		{"suffix", []string{"s3:ObjectCreated:*"}, "", ".jpg", "ObjectCreated:Put", "images/a.jpg", true},
		{"suffix case", []string{"s3:ObjectCreated:*"}, "", ".jpg", "ObjectCreated:Put", "images/a.JPG", false},
		{"both", []string{"s3:ObjectCreated:*"}, "images/", ".jpg", "ObjectCreated:Put", "images/a.jpg", true},
		{"both, suffix miss", []string{"s3:ObjectCreated:*"}, "images/", ".jpg", "ObjectCreated:Put", "images/a.png", false},
		{"raw key, not encoded", []string{"s3:ObjectCreated:*"}, "red flower", "", "ObjectCreated:Put", "red flower.jpg", true},
		{"key equals both", []string{"s3:ObjectCreated:*"}, "ab", "b", "ObjectCreated:Put", "ab", true},
		{"no events", nil, "", "", "ObjectCreated:Put", "a", false},
		{"tagging", []string{"s3:ObjectTagging:*"}, "", "", "ObjectTagging:Delete", "a", true},
		{"no-wildcard type", []string{"s3:LifecycleTransition"}, "", "", "LifecycleTransition", "a", true},
	}
	for _, tt := range tests {
		c := Configuration{Events: tt.events, Prefix: tt.prefix, Suffix: tt.suffix}
		if got := c.Matches(Event{Name: tt.event, Key: tt.key}); got != tt.want {
			t.Errorf("%s: Matches = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	created := []string{"s3:ObjectCreated:*"}
	put := []string{"s3:ObjectCreated:Put"}
	copyType := []string{"s3:ObjectCreated:Copy"}
	removed := []string{"s3:ObjectRemoved:*"}
	tests := []struct {
		name    string
		cs      []Configuration
		overlap [2]int // {-1, -1} for none
		badType string // the type of an *EventTypeError
	}{
		{"none", nil, none, ""},
		{"one", []Configuration{{Events: created}}, none, ""},
		{"different types", []Configuration{{Events: put}, {Events: copyType}}, none, ""},
		{"different families", []Configuration{{Events: created}, {Events: removed}}, none, ""},
		{"same type", []Configuration{{Events: put}, {Events: put}}, [2]int{0, 1}, ""},
		{"wildcard covers", []Configuration{{Events: put}, {Events: created}}, [2]int{0, 1}, ""},
		{"disjoint prefixes", []Configuration{{Events: created, Prefix: "a/"}, {Events: created, Prefix: "b/"}}, none, ""},
		{"nested prefixes", []Configuration{{Events: created, Prefix: "a/"}, {Events: created, Prefix: "a/b/"}}, [2]int{0, 1}, ""},
		{"empty prefix", []Configuration{{Events: created}, {Events: created, Prefix: "a/"}}, [2]int{0, 1}, ""},
		{"disjoint suffixes", []Configuration{{Events: created, Suffix: ".jpg"}, {Events: created, Suffix: ".png"}}, none, ""},
		{"nested suffixes", []Configuration{{Events: created, Suffix: ".jpg"}, {Events: created, Suffix: "x.jpg"}}, [2]int{0, 1}, ""},
		{"prefix apart, suffix same", []Configuration{{Events: created, Prefix: "a", Suffix: ".jpg"}, {Events: created, Prefix: "b", Suffix: ".jpg"}}, none, ""},
		{"prefix vs suffix", []Configuration{{Events: created, Prefix: "a/"}, {Events: created, Suffix: ".jpg"}}, [2]int{0, 1}, ""},
		{"second pair", []Configuration{{Events: put}, {Events: removed}, {Events: created}}, [2]int{0, 2}, ""},
		{"bad type", []Configuration{{Events: []string{"s3:ObjectCreated:Pot"}}}, none, "s3:ObjectCreated:Pot"},
		{"bad type before overlap", []Configuration{{Events: put}, {Events: put}, {Events: []string{"s3:*"}}}, none, "s3:*"},
		{"no types", []Configuration{{}}, none, "-"},
	}
	for _, tt := range tests {
		err := Validate(tt.cs)
		var oe *OverlapError
		var te *EventTypeError
		switch {
		case tt.badType != "":
			if !errors.As(err, &te) || (te.Event != tt.badType && !(tt.badType == "-" && te.Event == "")) {
				t.Errorf("%s: err = %v, want an EventTypeError for %q", tt.name, err, tt.badType)
			} else if !strings.HasPrefix(err.Error(), MessageUnsupported) {
				t.Errorf("%s: message %q", tt.name, err)
			}
		case tt.overlap == none:
			if err != nil {
				t.Errorf("%s: err = %v, want nil", tt.name, err)
			}
		default:
			if !errors.As(err, &oe) || [2]int{oe.First, oe.Second} != tt.overlap {
				t.Errorf("%s: err = %#v, want an overlap of %v", tt.name, err, tt.overlap)
			} else if want := map[bool]string{false: MessageOverlap, true: MessageAmbiguous}[filtered(tt.cs[oe.First], tt.cs[oe.Second])]; !strings.HasPrefix(err.Error(), want) || oe.Message() != want {
				t.Errorf("%s: message %q, want %q", tt.name, err, want)
			}
		}
	}
}

var none = [2]int{-1, -1}

func filtered(a, b Configuration) bool { return a.Prefix+a.Suffix+b.Prefix+b.Suffix != "" }

func TestOverlapErrorNames(t *testing.T) {
	err := Validate([]Configuration{{ID: "thumbs", Events: []string{ObjectCreatedAll}}, {Events: []string{ObjectCreatedPut}}})
	want := MessageOverlap + ` (configurations "thumbs" and #1)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// concreteTypes are the types that are not wildcards.
func concreteTypes() []string {
	var out []string
	for _, t := range eventTypes {
		if !strings.HasSuffix(t, wildcard) {
			out = append(out, t)
		}
	}
	return out
}

// bruteOverlap says whether some event would match both a and b: any key
// matching both has the longer prefix and the longer suffix, so the four
// joins of a prefix and a suffix are the only keys to try.
func bruteOverlap(a, b Configuration) bool {
	for _, t := range concreteTypes() {
		for _, p := range []string{a.Prefix, b.Prefix} {
			for _, s := range []string{a.Suffix, b.Suffix} {
				e := Event{Name: strings.TrimPrefix(t, typePrefix), Key: p + s}
				if a.Matches(e) && b.Matches(e) {
					return true
				}
			}
		}
	}
	return false
}

// fuzzTypes pick types by byte, wildcards included.
func fuzzType(b byte) string { return eventTypes[int(b)%len(eventTypes)] }

func FuzzValidate(f *testing.F) {
	f.Add(byte(0), byte(1), "a/", "", "", ".jpg")
	f.Add(byte(5), byte(6), "", "", "", "")
	f.Add(byte(0), byte(5), "x", "xy", "b", "ab")
	f.Fuzz(func(t *testing.T, t1, t2 byte, p1, p2, s1, s2 string) {
		a := Configuration{Events: []string{fuzzType(t1)}, Prefix: p1, Suffix: s1}
		b := Configuration{Events: []string{fuzzType(t2)}, Prefix: p2, Suffix: s2}
		err := Validate([]Configuration{a, b})
		want := bruteOverlap(a, b)
		var oe *OverlapError
		if got := errors.As(err, &oe); got != want {
			t.Fatalf("Validate = %v, brute force says overlap %v (%+v, %+v)", err, want, a, b)
		}
		if err != nil && oe == nil {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

func FuzzMatches(f *testing.F) {
	f.Add("s3:ObjectCreated:*", "ObjectCreated:Put", "a/", ".jpg", "a/b.jpg")
	f.Add("s3:ObjectRemoved:Delete", "ObjectRemoved:Delete", "", "", "")
	f.Add("s3:*", "x", "", "", "k")
	f.Fuzz(func(t *testing.T, typ, name, prefix, suffix, key string) {
		c := Configuration{Events: []string{typ}, Prefix: prefix, Suffix: suffix}
		got := c.Matches(Event{Name: name, Key: key})
		if got && (!strings.HasPrefix(key, prefix) || !strings.HasSuffix(key, suffix)) {
			t.Fatalf("matched key %q outside prefix %q / suffix %q", key, prefix, suffix)
		}
		if ValidEventType(typ) && !strings.HasSuffix(typ, wildcard) &&
			strings.HasPrefix(key, prefix) && strings.HasSuffix(key, suffix) && got != (typ == typePrefix+name) {
			t.Fatalf("type %q, name %q: Matches = %v", typ, name, got)
		}
		if got && !strings.HasPrefix(typePrefix+name, strings.TrimSuffix(typ, wildcard)) {
			t.Fatalf("type %q matched name %q", typ, name)
		}
	})
}
