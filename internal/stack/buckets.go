package stack

import (
	"fmt"
	"slices"
	"strings"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// A notification is a function's s3 event being resolved: the plan's
// entry and where the event is, for the overlap errors.
type notification struct {
	BucketNotification
	at pos
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

// buckets lists the stack's bucket resources, sorted by name.
func (r *resolver) buckets(s *Stack) []Bucket {
	var out []Bucket
	for _, res := range s.Resources {
		p, ok := res.Properties.(*BucketProps)
		if !ok {
			continue
		}
		out = append(out, Bucket{Name: res.Name, Dir: r.bucketDirs[res.Name], EventBridge: p.EnableEventBusNotifications})
	}
	slices.SortFunc(out, func(a, b Bucket) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// s3Notification checks function fn's s3 event i and adds it.
func (r *resolver) s3Notification(fn string, i int, p *S3EventProps) {
	bucket, bucketOK := r.notifiedBucket(p)
	typ, typeOK := r.s3EventType(p)
	if !bucketOK || !typeOK {
		return
	}
	at, _ := r.d.pos(p)
	n := notification{at: at, BucketNotification: BucketNotification{
		Bucket: bucket, Function: fn, Index: i, Events: []string{typ}, ID: fmt.Sprintf("%s-s3-%d", fn, i),
	}}
	if f := p.FilterRule; f != nil {
		n.Prefix, n.Suffix = f.Prefix, f.Suffix
	}
	r.notifications = append(r.notifications, n)
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

// s3EventType checks an s3 event's type.
func (r *resolver) s3EventType(p *S3EventProps) (string, bool) {
	at, ok := r.d.pos(&p.S3EventType)
	if !ok {
		return "", false
	}
	if s3event.ValidEventType(p.S3EventType) {
		return p.S3EventType, true
	}
	hint := didYouMean(p.S3EventType, s3event.EventTypes())
	if hint == "" && !strings.HasPrefix(p.S3EventType, "s3:") {
		hint = didYouMean("s3:"+p.S3EventType, s3event.EventTypes())
	}
	if hint == "" {
		hint = "types: " + strings.Join(s3event.EventTypes(), ", ")
	}
	r.d.errorf(at, "s3EventType %q is not an S3 event type%s", p.S3EventType, parenthesized(hint))
	return "", false
}

// finishNotifications reports the s3 events of one bucket that overlap, as
// S3 refuses them, and returns the notifications sorted by function, then
// index.
func (r *resolver) finishNotifications() []BucketNotification {
	ns := r.notifications
	slices.SortFunc(ns, func(a, b notification) int { return cmpEvent(a.Function, b.Function, a.Index, b.Index) })
	for j := range ns {
		for i := range j {
			a, b := &ns[i], &ns[j]
			if a.Bucket != b.Bucket || !s3event.Overlap(config(a), config(b)) {
				continue
			}
			first, second := a, b
			if second.at.before(first.at) {
				first, second = second, first
			}
			r.d.errorf(second.at, "this s3 event overlaps the s3 event of function %q at line %d on bucket %q: %s Give them different types, or prefixes or suffixes neither of which contains the other", first.Function, first.at.line, a.Bucket, s3event.MessageOverlap)
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

// config is a notification as S3's configuration.
func config(n *notification) s3event.Configuration {
	return s3event.Configuration{ID: n.ID, Events: n.Events, Prefix: n.Prefix, Suffix: n.Suffix, Kind: s3event.TargetFunction}
}
