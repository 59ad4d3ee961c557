package stack

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
)

// S3's limits on bucket names and key filters.
const (
	minBucketName  = 3
	maxBucketName  = 63
	maxFilterValue = 1024
)

// cfBucketAttrs are the attributes $CfResourceParam reads of a bucket.
func cfBucketAttrs(name string) map[string]string {
	return map[string]string{
		"Ref": name, "Arn": arn.Bucket(name),
		"DomainName":         name + ".s3.amazonaws.com",
		"RegionalDomainName": name + ".s3." + arn.Region + ".amazonaws.com",
	}
}

// cfBuckets resolves the notification configurations of the buckets
// declareCfBuckets named.
func (r *resolver) cfBuckets(s *Stack) {
	for _, c := range s.CloudformationResources {
		p, ok := c.Properties.(*CfBucketProps)
		b := r.bs.cf[c.Name]
		if !ok || b == nil {
			continue
		}
		if nc := p.NotificationConfiguration; nc != nil {
			b.EventBridge = nc.EventBridgeConfiguration != nil &&
				(nc.EventBridgeConfiguration.EventBridgeEnabled == nil || *nc.EventBridgeConfiguration.EventBridgeEnabled)
			r.cfNotifications(c, b.Name, nc)
		}
	}
}

// declareCfBuckets names the cloudformationResources buckets before
// anything resolves an ARN: a queue's redrive target that names one by
// mistake is then reported, not dropped.
func (r *resolver) declareCfBuckets(s *Stack) {
	for _, c := range s.CloudformationResources {
		p, ok := c.Properties.(*CfBucketProps)
		if !ok {
			continue
		}
		if name, ok := r.cfBucketName(c, p); ok {
			r.bs.cf[c.Name], r.bs.byName[name] = &Bucket{Name: name, Source: c.Name}, c.Name
		}
	}
}

// cfBucketName is a cloudformationResources bucket's name, BucketName or
// the logical id in lower case, reporting an invalid or taken one.
func (r *resolver) cfBucketName(c *CfResource, p *CfBucketProps) (string, bool) {
	at, written := r.d.pos(&p.BucketName)
	name := p.BucketName
	if !written {
		at, _ = r.d.pos(c)
		name = strings.ToLower(c.Name)
	}
	if msg := checkBucketName(name); msg != "" {
		if written {
			r.d.errorf(at, "BucketName %q %s", name, msg)
		} else {
			r.d.errorf(at, "%s %q has no BucketName and its logical id makes %q, which %s: give it a BucketName", c.Type, c.Name, name, msg)
		}
		return "", false
	}
	if res := r.byName[name]; res != nil && res.Type == TypeBucket {
		r.d.errorf(at, "bucket name %q is taken by the bucket resource %q", name, name)
		return "", false
	}
	if other, ok := r.bs.byName[name]; ok {
		r.d.errorf(at, "bucket name %q is taken by %s %q", name, CfBucket, other)
		return "", false
	}
	return name, true
}

// checkBucketName says what is wrong with an S3 bucket name, "" if
// nothing.
func checkBucketName(name string) string {
	switch {
	case len(name) < minBucketName || len(name) > maxBucketName:
		return fmt.Sprintf("must be %d to %d characters", minBucketName, maxBucketName)
	case strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "":
		return "may hold only lower-case letters, digits, '.' and '-'"
	case !alnum(name[0]) || !alnum(name[len(name)-1]):
		return "must start and end with a letter or a digit"
	case strings.Contains(name, ".."):
		return "must not hold two periods in a row"
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return "must not be an IP address"
	}
	return ""
}

func alnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// cfNotifications resolves a bucket's Lambda, queue and topic
// configurations, numbered in that order.
func (r *resolver) cfNotifications(c *CfResource, bucket string, nc *CfNotificationConfiguration) {
	i := 0
	next := func(key string, j int, cfg any, event *string, filter *CfNotificationFilter) (notification, bool) {
		at, _ := r.d.pos(cfg)
		n := notification{at: at, what: fmt.Sprintf("%s[%d] of %s %q", key, j, c.Type, c.Name), BucketNotification: BucketNotification{
			Bucket: bucket, Source: c.Name, Index: i, ID: fmt.Sprintf("%s-%d", c.Name, i),
		}}
		i++
		typ, typeOK := r.eventType(event, "Event")
		prefix, suffix, filterOK := r.keyFilter(filter)
		n.Events, n.Prefix, n.Suffix = []string{typ}, prefix, suffix
		return n, typeOK && filterOK
	}
	for j := range nc.LambdaConfigurations {
		cfg := &nc.LambdaConfigurations[j]
		n, ok := next("LambdaConfigurations", j, cfg, &cfg.Event, cfg.Filter)
		fn, fnOK := r.notifiedFunction(&cfg.Function)
		n.Function = fn
		r.addNotification(n, ok && fnOK)
	}
	for j := range nc.QueueConfigurations {
		cfg := &nc.QueueConfigurations[j]
		n, ok := next("QueueConfigurations", j, cfg, &cfg.Event, cfg.Filter)
		if q := r.queueTarget(&cfg.Queue.Template, "Queue"); q != nil && r.standard(&cfg.Queue.Template, "Queue", q.q.Name, q.fifo) {
			n.Queue = q.q.Name
			r.addNotification(n, ok)
		}
	}
	for j := range nc.TopicConfigurations {
		cfg := &nc.TopicConfigurations[j]
		n, ok := next("TopicConfigurations", j, cfg, &cfg.Event, cfg.Filter)
		if t := r.topicTarget(&cfg.Topic.Template, "Topic"); t != nil && r.standard(&cfg.Topic.Template, "Topic", t.t.Name, t.fifo) {
			n.Topic = t.t.Name
			r.addNotification(n, ok)
		}
	}
}

// standard reports whether the queue or topic (key) named name, at t, is
// a standard one: S3 does not notify FIFO ones.
func (r *resolver) standard(t *Template, key, name string, fifo bool) bool {
	if fifo {
		at, _ := r.d.pos(t)
		kind := strings.ToLower(key)
		r.d.errorf(at, "%s %q is a FIFO %s: S3 sends notifications only to standard %ss", key, name, kind, kind)
	}
	return !fifo
}

func (r *resolver) addNotification(n notification, ok bool) {
	if ok {
		r.bs.notifications = append(r.bs.notifications, n)
	}
}

// notifiedFunction resolves a LambdaConfiguration's Function.
func (r *resolver) notifiedFunction(f *CfString) (string, bool) {
	at, ok := r.d.pos(&f.Template)
	if !ok {
		return "", false
	}
	kind, name, ok := r.arnTarget(&f.Template, "Function", DestinationFunction, "a function's ARN ("+functionARNPrefix+"NAME)")
	if !ok || kind != DestinationFunction || r.ref(at, "Function", name, TypeFunction) == nil {
		return "", false
	}
	return name, true
}

// keyFilter reads a Filter's prefix and suffix rules: names prefix or
// suffix in any case, each once, as S3 takes them.
func (r *resolver) keyFilter(f *CfNotificationFilter) (prefix, suffix string, ok bool) {
	if f == nil {
		return "", "", true
	}
	ok = true
	seen := map[string]bool{}
	for i := range f.S3Key.Rules {
		rule := &f.S3Key.Rules[i]
		at, decoded := r.d.pos(&rule.Name)
		if !decoded {
			ok = false
			continue
		}
		name := strings.ToLower(rule.Name)
		switch {
		case name != "prefix" && name != "suffix":
			r.d.errorf(at, "filter rule Name must be prefix or suffix, found %q", rule.Name)
			ok = false
			continue
		case seen[name]:
			r.d.errorf(at, "Cannot specify more than one %s rule in a filter (S3's rule)", name)
			ok = false
			continue
		}
		seen[name] = true
		if vat, decoded := r.d.pos(&rule.Value); decoded && len(rule.Value) > maxFilterValue {
			r.d.errorf(vat, "filter rule Value is %d bytes; S3's limit is %d", len(rule.Value), maxFilterValue)
			ok = false
		}
		if name == "prefix" {
			prefix = rule.Value
		} else {
			suffix = rule.Value
		}
	}
	return prefix, suffix, ok
}
