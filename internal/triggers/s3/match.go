package s3

import (
	"fmt"
	"slices"
	"strings"
)

// EventTypes returns every event type a configuration may name, wildcards
// included, in S3's documented order.
func EventTypes() []string { return slices.Clone(eventTypes[:]) }

// ValidEventType reports whether t is an event type a configuration may
// name ("s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"). Case matters, as
// on S3.
func ValidEventType(t string) bool { return slices.Contains(eventTypes[:], t) }

// Matches reports whether c sends e: e's name is among c's event types (or
// under a wildcard of them) and its key, raw and case-sensitive, starts
// with c's prefix and ends with c's suffix.
func (c Configuration) Matches(e Event) bool {
	return strings.HasPrefix(e.Key, c.Prefix) && strings.HasSuffix(e.Key, c.Suffix) &&
		slices.ContainsFunc(c.Events, func(t string) bool { return typeMatches(t, e.Name) })
}

// typeMatches reports whether configured type t covers event name (no
// "s3:" prefix).
func typeMatches(t, name string) bool {
	rest, ok := strings.CutPrefix(t, typePrefix)
	if !ok {
		return false
	}
	if family, ok := strings.CutSuffix(rest, wildcard); ok {
		return strings.HasPrefix(name, family) && len(name) > len(family)
	}
	return rest == name
}

// Overlap reports whether a and b could both send one event, which S3
// refuses: an event type in common (equal, or one a wildcard covering the
// other), prefixes one of which starts the other (or either empty), and
// suffixes one of which ends the other (or either empty).
func Overlap(a, b Configuration) bool {
	return (strings.HasPrefix(a.Prefix, b.Prefix) || strings.HasPrefix(b.Prefix, a.Prefix)) &&
		(strings.HasSuffix(a.Suffix, b.Suffix) || strings.HasSuffix(b.Suffix, a.Suffix)) &&
		slices.ContainsFunc(a.Events, func(x string) bool {
			return slices.ContainsFunc(b.Events, func(y string) bool { return typesOverlap(x, y) })
		})
}

// typesOverlap reports whether two valid configured types share an event.
func typesOverlap(x, y string) bool {
	return x == y || covers(x, y) || covers(y, x)
}

// covers reports whether w is a wildcard of t's family.
func covers(w, t string) bool {
	family, ok := strings.CutSuffix(w, wildcard)
	return ok && strings.HasPrefix(t, family)
}

// Validate checks a bucket's configurations as
// PutBucketNotificationConfiguration does: every event type valid and at
// least one per configuration (*EventTypeError), and no two configurations
// overlapping (*OverlapError, the first pair in order).
func Validate(cs []Configuration) error {
	for i, c := range cs {
		if len(c.Events) == 0 {
			return &EventTypeError{Index: i, ID: c.ID}
		}
		for _, t := range c.Events {
			if !ValidEventType(t) {
				return &EventTypeError{Index: i, ID: c.ID, Event: t}
			}
		}
	}
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			if Overlap(cs[i], cs[j]) {
				filtered := cs[i].Prefix != "" || cs[i].Suffix != "" || cs[j].Prefix != "" || cs[j].Suffix != ""
				return &OverlapError{First: i, Second: j, FirstID: cs[i].ID, SecondID: cs[j].ID, Filtered: filtered}
			}
		}
	}
	return nil
}

// An EventTypeError is a configuration naming an event type S3 does not
// have, or none.
type EventTypeError struct {
	// Index and ID are the configuration's.
	Index int
	ID    string
	// Event is the type as written, "" when the configuration has none.
	Event string
}

func (e *EventTypeError) Error() string {
	if e.Event == "" {
		return fmt.Sprintf("%s: configuration %s names no event", MessageUnsupported, name(e.Index, e.ID))
	}
	return fmt.Sprintf("%s: %q in configuration %s", MessageUnsupported, e.Event, name(e.Index, e.ID))
}

// An OverlapError is two configurations that could both send one event.
type OverlapError struct {
	// First and Second are the configurations' indexes, First < Second.
	First, Second int
	// FirstID and SecondID are their IDs.
	FirstID, SecondID string
	// Filtered says that either has a prefix or a suffix.
	Filtered bool
}

// Message is what S3 answers: MessageAmbiguous when a filter is involved,
// else MessageOverlap.
func (e *OverlapError) Message() string {
	if e.Filtered {
		return MessageAmbiguous
	}
	return MessageOverlap
}

func (e *OverlapError) Error() string {
	return fmt.Sprintf("%s (configurations %s and %s)", e.Message(), name(e.First, e.FirstID), name(e.Second, e.SecondID))
}

// name names a configuration for messages: its ID, else its index.
func name(i int, id string) string {
	if id != "" {
		return fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("#%d", i)
}
