package awsapi

import (
	"encoding/xml"
	"strings"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// parseNotification reads a NotificationConfiguration document into the
// configuration the events package applies, refusing what S3 refuses:
// an unknown event type, a filter rule other than one prefix and one
// suffix, overlapping configurations (InvalidArgument, S3's messages).
func parseNotification(body []byte) (s3event.Config, error) {
	var doc notificationConfiguration
	if err := xml.Unmarshal(body, &doc); err != nil {
		return s3event.Config{}, malformedXML()
	}
	c := s3event.Config{EventBridge: doc.EventBridge != nil}
	groups := []struct {
		kind string
		list []xmlNotification
	}{{s3event.TargetTopic, doc.Topics}, {s3event.TargetQueue, doc.Queues}, {s3event.TargetFunction, doc.Functions}, {s3event.TargetFunction, doc.Lambdas}}
	for _, g := range groups {
		for _, n := range g.list {
			conf, err := notificationOf(g.kind, n)
			if err != nil {
				return s3event.Config{}, err
			}
			c.Configurations = append(c.Configurations, conf)
		}
	}
	if err := s3event.Validate(c.Configurations); err != nil {
		return s3event.Config{}, s3Invalid("%s", err.Error())
	}
	return c, nil
}

// notificationOf is one entry as a configuration.
func notificationOf(kind string, n xmlNotification) (s3event.Configuration, error) {
	c := s3event.Configuration{ID: n.ID, Events: n.Events, Kind: kind}
	switch kind {
	case s3event.TargetTopic:
		c.ARN = n.Topic
	case s3event.TargetQueue:
		c.ARN = n.Queue
	default:
		c.ARN = n.CloudFunction + n.Function
	}
	if c.ARN == "" {
		return c, malformedXML()
	}
	if n.Filter == nil {
		return c, nil
	}
	seen := map[string]bool{}
	for _, r := range n.Filter.Rules {
		name := strings.ToLower(r.Name)
		if name != "prefix" && name != "suffix" {
			return c, s3Invalid("filter rule name must be either prefix or suffix")
		}
		if seen[name] {
			return c, s3Invalid("Cannot specify more than one %s rule in a filter.", name)
		}
		seen[name] = true
		if name == "prefix" {
			c.Prefix = r.Value
		} else {
			c.Suffix = r.Value
		}
	}
	return c, nil
}

// notificationDocument is c as GetBucketNotificationConfiguration writes
// it: functions as CloudFunctionConfiguration, as S3 answers.
func notificationDocument(c s3event.Config) notificationConfiguration {
	doc := notificationConfiguration{NS: s3Namespace}
	if c.EventBridge {
		doc.EventBridge = &struct{}{}
	}
	for _, conf := range c.Configurations {
		n := xmlNotification{ID: conf.ID, Events: conf.Events}
		if conf.Prefix != "" || conf.Suffix != "" {
			n.Filter = &xmlFilter{}
			if conf.Prefix != "" {
				n.Filter.Rules = append(n.Filter.Rules, xmlFilterRule{Name: "Prefix", Value: conf.Prefix})
			}
			if conf.Suffix != "" {
				n.Filter.Rules = append(n.Filter.Rules, xmlFilterRule{Name: "Suffix", Value: conf.Suffix})
			}
		}
		switch conf.Kind {
		case s3event.TargetTopic:
			n.Topic = conf.ARN
			doc.Topics = append(doc.Topics, n)
		case s3event.TargetQueue:
			n.Queue = conf.ARN
			doc.Queues = append(doc.Queues, n)
		default:
			n.CloudFunction = conf.ARN
			doc.Functions = append(doc.Functions, n)
		}
	}
	return doc
}
