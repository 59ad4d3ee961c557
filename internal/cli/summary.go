package cli

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/verge-edge/verge/internal/console"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
)

// The dev terminal is fed by the function service and the edge.
var _ functions.Tap = (*console.Console)(nil)

// requestLine hands the edge's access-log records to the dev terminal.
func requestLine(con *console.Console) func(*edge.LogLine) {
	return func(l *edge.LogLine) {
		con.Request(console.Request{Time: l.Start, Duration: l.Elapsed, Method: l.Method, Host: l.Host,
			Path: l.Path, Query: l.Query, Status: l.Status, Result: l.Result, Target: l.Target})
	}
}

// summarize lists what a plan serves besides URLs for the dev terminal;
// hosts are the front doors' host names by resource name.
func summarize(p *stack.Plan, hosts map[string]string) console.Summary {
	var s console.Summary
	if p == nil {
		return s
	}
	door := func(name string) string {
		if h := hosts[name]; h != "" {
			return h
		}
		return name
	}
	for _, g := range p.HTTPAPIGateways {
		for _, r := range g.Routes {
			s.Routes = append(s.Routes, console.Route{Door: door(g.Name), Method: r.Method, Path: r.Path, Function: r.Function})
		}
	}
	for _, lb := range p.LoadBalancers {
		for _, r := range lb.Rules {
			method, path := "ANY", "*"
			if len(r.Methods) > 0 {
				method = strings.Join(r.Methods, ",")
			}
			if len(r.Paths) > 0 {
				path = strings.Join(r.Paths, ",")
			}
			s.Routes = append(s.Routes, console.Route{Door: door(lb.Name), Method: method, Path: path, Function: r.Function})
		}
	}
	for _, sc := range p.Schedules {
		s.Schedules = append(s.Schedules, console.Schedule{Expression: sc.Expression, Function: sc.Function})
	}
	for _, r := range p.BusRules {
		var pattern bytes.Buffer
		if json.Compact(&pattern, r.Pattern) != nil {
			pattern.Reset()
			pattern.Write(r.Pattern)
		}
		s.BusRules = append(s.BusRules, console.BusRule{Bus: r.Bus, Pattern: pattern.String(), Function: r.Function})
	}
	for _, q := range p.QueueTriggers {
		s.Queues = append(s.Queues, console.Queue{Name: q.Queue, Function: q.Function})
	}
	for _, t := range p.TopicSubscriptions {
		target := t.Function
		if target == "" {
			target = "queue " + t.Queue
		}
		s.Topics = append(s.Topics, console.Topic{Name: t.Topic, Filter: t.FilterPolicy, Target: target})
	}
	for _, n := range p.BucketNotifications {
		target := n.Function
		switch {
		case n.Queue != "":
			target = "queue " + n.Queue
		case n.Topic != "":
			target = "topic " + n.Topic
		}
		filter := ""
		if n.Prefix != "" || n.Suffix != "" {
			filter = n.Prefix + "*" + n.Suffix
		}
		s.Buckets = append(s.Buckets, console.Bucket{Name: n.Bucket, Events: strings.Join(n.Events, ","), Filter: filter, Target: target})
	}
	for _, t := range p.StreamTriggers {
		s.Streams = append(s.Streams, console.Stream{Name: t.Stream, Start: t.StartingPosition, Consumer: t.Consumer, Function: t.Function,
			Table: t.Kind == stack.TriggerDynamoDB})
	}
	for _, k := range p.KafkaTriggers {
		s.Kafka = append(s.Kafka, console.Kafka{Topic: k.Topic, Brokers: strings.Join(k.Bootstrap, ","), Start: k.StartingPosition, Function: k.Function})
	}
	return s
}
