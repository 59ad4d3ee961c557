package console

import (
	"bytes"
	"strings"
	"text/tabwriter"
	"time"
)

// A Summary is what a stack serves that is not a URL: its routes,
// schedules, bus rules, queues, topics, bucket notifications, stream
// triggers and Kafka triggers.
type Summary struct {
	Routes    []Route    `json:"routes"`
	Schedules []Schedule `json:"schedules"`
	BusRules  []BusRule  `json:"busRules"`
	Queues    []Queue    `json:"queues"`
	Topics    []Topic    `json:"topics"`
	Buckets   []Bucket   `json:"buckets"`
	Streams   []Stream   `json:"streams"`
	Kafka     []Kafka    `json:"kafka"`
}

// A Route sends a front door's requests to a function.
type Route struct {
	Door     string `json:"door"`
	Method   string `json:"method"` // "ANY" for any
	Path     string `json:"path"`   // a route path, a rule's path patterns, or "$default"
	Function string `json:"function"`
}

// A Schedule invokes a function on a rate or cron expression.
type Schedule struct {
	Expression string `json:"expression"`
	Function   string `json:"function"`
}

// A BusRule invokes a function for the events of a bus that match.
type BusRule struct {
	Bus      string `json:"bus"`
	Pattern  string `json:"pattern"`
	Function string `json:"function"`
}

// A Queue delivers its messages to a function.
type Queue struct {
	Name     string `json:"name"`
	Function string `json:"function"`
}

// A Topic delivers its messages (those its filter policy passes) to a
// function or a queue.
type Topic struct {
	Name   string `json:"name"`
	Filter string `json:"filter,omitempty"` // the filter policy, compact JSON
	Target string `json:"target"`           // a function, or "queue NAME"
}

// A Bucket sends the events of the listed types, for keys its filter
// passes, to a function, a queue or a topic.
type Bucket struct {
	Name   string `json:"name"`
	Events string `json:"events"`           // "s3:ObjectCreated:*", comma-separated
	Filter string `json:"filter,omitempty"` // "incoming/*.jpg" for a prefix and a suffix
	Target string `json:"target"`           // a function, or "queue NAME", "topic NAME"
}

// A Stream delivers batches of its records to a function: a Kinesis
// stream's, or a DynamoDB table's stream's.
type Stream struct {
	Name     string `json:"name"`
	Table    bool   `json:"table,omitempty"`    // Name is a table's, whose stream is read
	Start    string `json:"start"`              // TRIM_HORIZON, LATEST, AT_TIMESTAMP
	Consumer string `json:"consumer,omitempty"` // the enhanced fan-out consumer read through
	Function string `json:"function"`
}

// A Kafka delivers batches of a topic's records, read from the user's
// brokers, to a function. Why it cannot read (brokers unreachable,
// credentials refused) is logged as it changes.
type Kafka struct {
	Topic    string `json:"topic"`
	Brokers  string `json:"brokers"` // the bootstrap servers, comma-separated
	Start    string `json:"start"`   // TRIM_HORIZON, LATEST
	Function string `json:"function"`
}

// Summary writes s as a table, unless it is the one last written: a
// reload that changes none of it writes nothing. Quiet mode writes it too.
func (c *Console) Summary(s Summary) {
	var b []byte
	if c.o.Format == FormatJSON {
		b = c.jsonSummary(c.o.Now(), s)
	} else {
		b = c.textSummary(s)
	}
	key := string(c.jsonSummary(time.Time{}, s))
	c.mu.Lock()
	same := key == c.summary
	c.summary = key
	c.mu.Unlock()
	if !same {
		c.send(c.o.Out, b)
	}
}

// textSummary renders the non-empty sections as aligned tables.
func (c *Console) textSummary(s Summary) []byte {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	section := func(title string, n int, row func(i int) string) {
		if n == 0 {
			return
		}
		buf.WriteString(c.paint(ansiBold, title) + "\n")
		for i := range n {
			tw.Write([]byte("  " + row(i) + "\n"))
		}
		tw.Flush()
	}
	section("routes", len(s.Routes), func(i int) string {
		r := s.Routes[i]
		return r.Door + "\t" + r.Method + "\t" + r.Path + "\t-> " + c.paint(nameColor(r.Function), r.Function)
	})
	section("schedules", len(s.Schedules), func(i int) string {
		r := s.Schedules[i]
		return r.Expression + "\t-> " + c.paint(nameColor(r.Function), r.Function)
	})
	section("bus rules", len(s.BusRules), func(i int) string {
		r := s.BusRules[i]
		return r.Bus + "\t" + r.Pattern + "\t-> " + c.paint(nameColor(r.Function), r.Function)
	})
	section("queues", len(s.Queues), func(i int) string {
		r := s.Queues[i]
		return r.Name + "\t-> " + c.paint(nameColor(r.Function), r.Function)
	})
	section("topics", len(s.Topics), func(i int) string {
		r := s.Topics[i]
		target := r.Target
		if !strings.HasPrefix(target, "queue ") {
			target = c.paint(nameColor(target), target)
		}
		return r.Name + "\t" + r.Filter + "\t-> " + target
	})
	section("buckets", len(s.Buckets), func(i int) string {
		r := s.Buckets[i]
		target := r.Target
		if !strings.HasPrefix(target, "queue ") && !strings.HasPrefix(target, "topic ") {
			target = c.paint(nameColor(target), target)
		}
		return r.Name + "\t" + r.Events + "\t" + r.Filter + "\t-> " + target
	})
	section("streams", len(s.Streams), func(i int) string {
		r := s.Streams[i]
		via := ""
		if r.Consumer != "" {
			via = "via " + r.Consumer
		}
		name := r.Name
		if r.Table {
			name = "table " + name
		}
		return name + "\t" + r.Start + "\t" + via + "\t-> " + c.paint(nameColor(r.Function), r.Function)
	})
	section("kafka", len(s.Kafka), func(i int) string {
		r := s.Kafka[i]
		return r.Topic + "\t" + r.Brokers + "\t" + r.Start + "\t-> " + c.paint(nameColor(r.Function), r.Function)
	})
	return buf.Bytes()
}

// Endpoint writes where the stack answers (a CDN, a front door, the admin
// API) as a JSON line; text output prints its own list at start.
func (c *Console) Endpoint(name, url string) {
	b := jsonStart(c.o.Now(), typeEndpoint)
	b = field(b, "name", name)
	b = field(b, "url", url)
	c.send(c.o.Out, end(b))
}
