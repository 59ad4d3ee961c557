package stack

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// bucketState collects the cloudformationResources buckets and the
// notifications of all buckets.
type bucketState struct {
	// cf are the cloudformationResources buckets by logical id; byName
	// maps their bucket names to logical ids.
	cf     map[string]*Bucket
	byName map[string]string
	// notifications are the s3 events and configurations resolved.
	notifications []notification
}

func newBucketState() bucketState {
	return bucketState{cf: map[string]*Bucket{}, byName: map[string]string{}}
}

// A notification is a notification being resolved: the plan's entry, and
// where it is and what it is called, for the overlap errors.
type notification struct {
	BucketNotification
	at   pos
	what string
}

// hasDirectory reports whether the bucket resource called name was given
// a directory (valid or not).
func (r *resolver) hasDirectory(name string) bool {
	res := r.byName[name]
	if res == nil {
		return false
	}
	p, ok := res.Properties.(*BucketProps)
	if !ok {
		return false
	}
	_, written := r.d.key(&p.Directory)
	return written
}

// buckets lists the stack's bucket resources and cloudformationResources
// buckets, sorted by name.
func (r *resolver) buckets(s *Stack) []Bucket {
	var out []Bucket
	for _, res := range s.Resources {
		p, ok := res.Properties.(*BucketProps)
		if !ok {
			continue
		}
		out = append(out, Bucket{Name: res.Name, Dir: r.bucketDirs[res.Name], EventBridge: p.EnableEventBusNotifications})
	}
	for _, c := range s.CloudformationResources {
		if b := r.bs.cf[c.Name]; b != nil {
			out = append(out, *b)
		}
	}
	slices.SortFunc(out, func(a, b Bucket) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// s3Notification checks function fn's s3 event i and adds it.
func (r *resolver) s3Notification(fn string, i int, p *S3EventProps) {
	bucket, bucketOK := r.notifiedBucket(p)
	typ, typeOK := r.eventType(&p.S3EventType, "s3EventType")
	if !bucketOK || !typeOK {
		return
	}
	at, _ := r.d.pos(p)
	n := notification{at: at, what: fmt.Sprintf("the s3 event of function %q", fn), BucketNotification: BucketNotification{
		Bucket: bucket, Function: fn, Index: i, Events: []string{typ}, ID: fmt.Sprintf("%s-s3-%d", fn, i),
	}}
	if f := p.FilterRule; f != nil {
		n.Prefix, n.Suffix = f.Prefix, f.Suffix
	}
	r.bs.notifications = append(r.bs.notifications, n)
}

// notifiedBucket resolves the bucket of an s3 event: exactly one of
// bucketArn and bucketName, naming a bucket resource.
func (r *resolver) notifiedBucket(p *S3EventProps) (string, bool) {
	switch r.oneOf(p, "an s3 event", "watches one bucket", option{"bucketArn", &p.BucketArn}, option{"bucketName", &p.BucketName}) {
	case "bucketName":
		at, ok := r.d.pos(&p.BucketName)
		return p.BucketName, ok && r.ref(at, "bucketName", p.BucketName, TypeBucket) != nil
	case "bucketArn":
		at, ok := r.d.pos(&p.BucketArn)
		if !ok {
			return "", false
		}
		s, ok := r.expand(&p.BucketArn)
		if !ok {
			return "", false
		}
		name, err := parseBucketARN(s)
		switch {
		case err != nil && strings.Contains(string(p.BucketArn), "$"+directiveSecret+"("):
			// Messages never show a secret's value, not even part of it.
			r.d.errorf(at, "bucketArn %q does not resolve to a bucket's ARN (the value is a secret, not shown)", string(p.BucketArn))
			return "", false
		case err != nil:
			r.d.errorf(at, "bucketArn %q %v", s, err)
			return "", false
		}
		if _, ok := r.bs.byName[name]; ok {
			return name, true // a cloudformationResources bucket
		}
		return name, r.ref(at, "bucketArn", name, TypeBucket) != nil
	}
	return "", false
}

// parseBucketARN reads the name of a bucket's ARN, arn:aws:s3:::NAME.
func parseBucketARN(s string) (string, error) {
	name, ok := strings.CutPrefix(s, bucketARNPrefix)
	switch {
	case !ok:
		return "", fmt.Errorf("is not a bucket's ARN (%sNAME); write $ResourceParam('name', 'arn') or use bucketName", bucketARNPrefix)
	case name == "":
		return "", fmt.Errorf("names no bucket (%sNAME)", bucketARNPrefix)
	case strings.Contains(name, "/"):
		b, _, _ := strings.Cut(name, "/")
		return "", fmt.Errorf("is an object's ARN; name bucket %q (%s%s) and select keys with filterRule", b, bucketARNPrefix, b)
	}
	return name, nil
}

// eventType checks the S3 event type *t written under key.
func (r *resolver) eventType(t *string, key string) (string, bool) {
	at, ok := r.d.pos(t)
	if !ok {
		return "", false
	}
	if s3event.ValidEventType(*t) {
		return *t, true
	}
	hint := didYouMean(*t, s3event.EventTypes())
	if hint == "" && !strings.HasPrefix(*t, "s3:") {
		hint = didYouMean("s3:"+*t, s3event.EventTypes())
	}
	if hint == "" {
		hint = "types: " + strings.Join(s3event.EventTypes(), ", ")
	}
	r.d.errorf(at, "%s %q is not an S3 event type%s", key, *t, parenthesized(hint))
	return "", false
}

// finishNotifications reports the s3 events of one bucket that overlap, as
// S3 refuses them, and returns the notifications sorted by function, then
// index.
func (r *resolver) finishNotifications() []BucketNotification {
	ns := r.bs.notifications
	slices.SortFunc(ns, func(a, b notification) int {
		if c := strings.Compare(a.Source, b.Source); c != 0 || a.Source != "" {
			return cmp.Or(c, a.Index-b.Index)
		}
		return cmpEvent(a.Function, b.Function, a.Index, b.Index)
	})
	for j := range ns {
		for i := range j {
			if ns[i].Bucket == ns[j].Bucket {
				r.checkOverlap(&ns[i], &ns[j])
			}
		}
	}
	out := make([]BucketNotification, len(ns))
	for i := range ns {
		out[i] = ns[i].BucketNotification
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// checkOverlap reports, at the later of a and b (of one bucket), that
// they overlap, with S3's message: S3's own Validate decides.
func (r *resolver) checkOverlap(a, b *notification) {
	var oe *s3event.OverlapError
	if !errors.As(s3event.Validate([]s3event.Configuration{a.Configuration(), b.Configuration()}), &oe) {
		return
	}
	if b.at.before(a.at) {
		a, b = b, a
	}
	r.d.errorf(b.at, "%s overlaps %s at line %d on bucket %q: %s Give them different types, or prefixes or suffixes neither of which contains the other", b.what, a.what, a.at.line, a.Bucket, oe.Message())
}
