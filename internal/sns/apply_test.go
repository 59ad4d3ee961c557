package sns

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestApplyAndRestart applies a stack, adds API topics and subscriptions,
// reopens the service on the same bucket and finds everything (and the
// same signing certificate); stack subscriptions keep their ARNs across
// Apply and cannot be unsubscribed; a topic the stack drops goes.
func TestApplyAndRestart(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	topics := []TopicConfig{{Name: "orders"}, {Name: "jobs.fifo", Attributes: map[string]string{"FifoTopic": "true"}}}
	subs := []StackSubscription{
		{Topic: "orders", Protocol: "lambda", Endpoint: "worker", FilterPolicy: `{"kind":["paid"]}`},
		{Topic: "orders", Protocol: "sqs", Endpoint: "audit", RawMessageDelivery: true, DeadLetterQueue: "dlq"},
		{Topic: "jobs.fifo", Protocol: "sqs", Endpoint: "jobs.fifo"},
	}
	if err := e.svc.Apply(ctx, topics, subs); err != nil {
		t.Fatal(err)
	}
	orders := "arn:aws:sns:us-east-1:000000000000:orders"
	api := mustTopic(t, e.svc, "api", nil)
	apiSub := mustSub(t, e.svc, api, "sqs", queueArn+"q", map[string]string{"FilterPolicy": `{"a":["b"]}`})
	mustSub(t, e.svc, orders, "sqs", queueArn+"extra", nil)

	list, _, err := e.svc.ListSubscriptionsByTopic(orders, "")
	if err != nil || len(list) != 3 {
		t.Fatalf("orders' subscriptions: %+v %v", list, err)
	}
	var stackArn string
	for _, s := range list {
		if s.Protocol == "lambda" {
			stackArn = s.SubscriptionArn
		}
	}
	if err := e.svc.Unsubscribe(ctx, stackArn); code(err) != CodeAuthorizationError {
		t.Errorf("Unsubscribe(stack subscription) = %v", err)
	}
	if err := e.svc.DeleteTopic(ctx, orders); code(err) != CodeAuthorizationError {
		t.Errorf("DeleteTopic(stack topic) = %v", err)
	}
	if err := e.svc.Apply(ctx, topics, subs); err != nil {
		t.Fatal(err)
	}
	cert := string(e.svc.Signer().CertPEM())

	// Restart on the same bucket.
	e.svc.Close()
	svc := e.open(t)
	if string(svc.Signer().CertPEM()) != cert {
		t.Error("the signer changed across a restart")
	}
	arns, _, _ := svc.ListTopics("")
	sort.Strings(arns)
	if got := strings.Join(arns, " "); got != "arn:aws:sns:us-east-1:000000000000:api arn:aws:sns:us-east-1:000000000000:jobs.fifo "+orders {
		t.Errorf("topics after restart: %s", got)
	}
	a, err := svc.SubscriptionAttributes(stackArn)
	if err != nil || a["FilterPolicy"] != `{"kind":["paid"]}` || a["Protocol"] != "lambda" || a["Endpoint"] != lambdaArn+"worker" {
		t.Errorf("stack subscription after restart: %v %v", a, err)
	}
	if a, err := svc.SubscriptionAttributes(apiSub); err != nil || a["FilterPolicy"] != `{"a":["b"]}` || a["PendingConfirmation"] != "false" {
		t.Errorf("API subscription after restart: %v %v", a, err)
	}
	// The filter was compiled again: only kind=paid reaches the function.
	svc.Publish(ctx, orders, PublishInput{Message: "x", Attributes: map[string]MessageAttribute{"kind": {DataType: "String", StringValue: "paid"}}})
	svc.Publish(ctx, orders, PublishInput{Message: "y", Attributes: map[string]MessageAttribute{"kind": {DataType: "String", StringValue: "new"}}})
	if n := len(e.l.get("worker")); n != 1 {
		t.Errorf("worker got %d messages, want 1", n)
	}
	if raw := e.q.get("audit"); len(raw) != 2 || raw[0].Body != "x" {
		t.Errorf("audit (raw) got %+v", raw)
	}

	// The stack drops orders: it goes with its API subscription.
	if err := svc.Apply(ctx, topics[1:], subs[2:]); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.TopicAttributes(orders); code(err) != CodeNotFound {
		t.Errorf("dropped topic: %v", err)
	}
	all, _, _ := svc.ListSubscriptions("")
	if len(all) != 2 {
		t.Errorf("subscriptions left: %+v", all)
	}

	// Bad stack input changes nothing.
	err = svc.Apply(ctx, []TopicConfig{{Name: "bad name"}}, []StackSubscription{{Topic: "nope", Protocol: "sqs", Endpoint: "q"}})
	if err == nil || !strings.Contains(err.Error(), "bad name") || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Apply(bad) = %v", err)
	}
	if arns, _, _ := svc.ListTopics(""); len(arns) != 2 {
		t.Errorf("topics after a refused Apply: %v", arns)
	}
}

// TestAPIErrors checks the errors SNS answers for bad calls.
func TestAPIErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	topic := mustTopic(t, e.svc, "t", nil)
	missing := "arn:aws:sns:us-east-1:000000000000:missing"
	big := strings.Repeat("x", MaxMessageSize+1)
	type tc struct {
		name string
		err  error
		code string
		msg  string
	}
	_, errNoTopic := e.svc.Publish(ctx, missing, PublishInput{Message: "m"})
	_, errEmpty := e.svc.Publish(ctx, topic, PublishInput{})
	_, errBig := e.svc.Publish(ctx, topic, PublishInput{Message: big})
	_, errSubject := e.svc.Publish(ctx, topic, PublishInput{Message: "m", Subject: "a\nb"})
	_, errStruct := e.svc.Publish(ctx, topic, PublishInput{Message: `{"sqs":"x"}`, MessageStructure: "json"})
	_, errAttr := e.svc.Publish(ctx, topic, PublishInput{Message: "m", Attributes: map[string]MessageAttribute{"n": {DataType: "Number", StringValue: "abc"}}})
	_, errType := e.svc.Publish(ctx, topic, PublishInput{Message: "m", Attributes: map[string]MessageAttribute{"n": {DataType: "Blob", StringValue: "abc"}}})
	_, errProto := e.svc.Subscribe(ctx, topic, "email", "a@b.c", nil, false)
	_, errEndpoint := e.svc.Subscribe(ctx, topic, "sqs", "not-an-arn", nil, false)
	_, errFilter := e.svc.Subscribe(ctx, topic, "sqs", queueArn+"q", map[string]string{"FilterPolicy": `{"a":{"b":["c"]}}`}, false)
	_, errRaw := e.svc.Subscribe(ctx, topic, "lambda", lambdaArn+"f", map[string]string{"RawMessageDelivery": "true"}, false)
	sub := mustSub(t, e.svc, topic, "sqs", queueArn+"q", nil)
	_, errDiff := e.svc.Subscribe(ctx, topic, "sqs", queueArn+"q", map[string]string{"RawMessageDelivery": "true"}, false)
	errSet := e.svc.SetSubscriptionAttribute(ctx, sub, "FilterPolicy", `{"a":[{"wildcard":"x*"}]}`)
	errScope := e.svc.SetSubscriptionAttribute(ctx, sub, "FilterPolicyScope", "Body")
	errUnsub := e.svc.Unsubscribe(ctx, topic+":00000000-0000-0000-0000-000000000000")
	errTag := e.svc.Tag(ctx, missing, map[string]string{"a": "b"})
	_, errDup := e.svc.CreateTopic(ctx, "t", map[string]string{"DisplayName": "other"}, nil)
	for _, c := range []tc{
		{"publish to a missing topic", errNoTopic, CodeNotFound, "Topic does not exist"},
		{"empty message", errEmpty, CodeInvalidParameter, "Invalid parameter: Empty message"},
		{"message too long", errBig, CodeInvalidParameter, "Invalid parameter: Message too long"},
		{"subject", errSubject, CodeInvalidParameter, "Invalid parameter: Subject"},
		{"message structure", errStruct, CodeInvalidParameter, "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{"number attribute", errAttr, CodeInvalidParameterValue, "The message attribute 'n' with type 'Number' must use a numeric value."},
		{"attribute type", errType, CodeInvalidParameterValue, "The message attribute 'n' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."},
		{"protocol", errProto, CodeInvalidParameter, "Invalid parameter: Verge does not deliver to the email protocol (it delivers to sqs, lambda, http and https)"},
		{"endpoint", errEndpoint, CodeInvalidParameter, "Invalid parameter: SQS endpoint ARN"},
		{"filter at Subscribe", errFilter, CodeInvalidParameter, "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy"},
		{"raw to lambda", errRaw, CodeInvalidParameter, "Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery."},
		{"subscription with other attributes", errDiff, CodeInvalidParameter, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"},
		{"filter at SetSubscriptionAttributes", errSet, CodeInvalidParameter, "Invalid parameter: FilterPolicy: Unrecognized match type wildcard"},
		{"scope", errScope, CodeInvalidParameter, "Invalid parameter: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes"},
		{"unsubscribe missing", errUnsub, CodeNotFound, "Subscription does not exist"},
		{"tag missing", errTag, CodeResourceNotFound, "Resource does not exist"},
		{"topic with other attributes", errDup, CodeInvalidParameter, "Invalid parameter: Attributes Reason: Topic already exists with different attributes"},
	} {
		var e *Error
		if !asError(c.err, &e) || e.Code != c.code || e.Message != c.msg {
			t.Errorf("%s: got %v, want %s: %s", c.name, c.err, c.code, c.msg)
		}
	}
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

// BenchmarkPublish100 publishes to a topic with 100 SQS subscriptions
// (in-memory queues) and reports the p50 of Publish.
func BenchmarkPublish100(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	topic, _ := e.svc.CreateTopic(ctx, "fan", nil, nil)
	for i := range 100 {
		if _, err := e.svc.Subscribe(ctx, topic, "sqs", fmt.Sprintf("%sq%d", queueArn, i), nil, true); err != nil {
			b.Fatal(err)
		}
	}
	in := PublishInput{Message: `{"order":42}`, Attributes: map[string]MessageAttribute{"kind": {DataType: "String", StringValue: "paid"}}}
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := e.svc.Publish(ctx, topic, in); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	e.q.mu.Lock()
	e.q.sent = nil // the queues' memory, not the benchmark's
	e.q.mu.Unlock()
}

// TestTwoNodes runs two services on one bucket, as two nodes would: what
// one creates, changes or deletes, the other sees.
func TestTwoNodes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.svc, e.open(t)
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("node b never saw %s", what)
			}
		}
	}
	topic := mustTopic(t, a, "shared", nil)
	eventually("the topic", func() bool { _, err := b.TopicAttributes(topic); return err == nil })
	sub := mustSub(t, b, topic, "lambda", lambdaArn+"fn", map[string]string{"FilterPolicy": `{"k":["v"]}`})
	for _, n := range []*Service{a, b} {
		eventually("the subscription", func() bool { _, err := n.SubscriptionAttributes(sub); return err == nil })
	}
	msg := PublishInput{Message: "m", Attributes: map[string]MessageAttribute{"k": {DataType: "String", StringValue: "v"}}}
	if _, err := a.Publish(ctx, topic, msg); err != nil {
		t.Fatal(err)
	}
	if n := len(e.l.get("fn")); n != 1 {
		t.Fatalf("published on a, the function got %d messages", n)
	}
	if err := a.SetSubscriptionAttribute(ctx, sub, "FilterPolicy", `{"k":["w"]}`); err != nil {
		t.Fatal(err)
	}
	eventually("the new filter", func() bool { at, _ := b.SubscriptionAttributes(sub); return at["FilterPolicy"] == `{"k":["w"]}` })
	b.Publish(ctx, topic, msg) // filtered out now
	if n := len(e.l.get("fn")); n != 1 {
		t.Errorf("after the filter change on a, b delivered: %d messages", n)
	}
	if err := a.DeleteTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	eventually("the deletion", func() bool {
		_, err1 := b.TopicAttributes(topic)
		_, err2 := b.SubscriptionAttributes(sub)
		return code(err1) == CodeNotFound && code(err2) == CodeNotFound
	})
}

// TestUnsubscribeURL follows an envelope's UnsubscribeURL: the
// subscription goes; a stack subscription's link is refused.
func TestUnsubscribeURL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.svc.Apply(ctx, []TopicConfig{{Name: "s"}}, []StackSubscription{{Topic: "s", Protocol: "sqs", Endpoint: "stackq"}}); err != nil {
		t.Fatal(err)
	}
	topic := "arn:aws:sns:us-east-1:000000000000:s"
	sub := mustSub(t, e.svc, topic, "sqs", queueArn+"apiq", nil)
	if _, err := e.svc.Publish(ctx, topic, PublishInput{Message: "m"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		queue  string
		status int
	}{{"stackq", 403}, {"apiq", 200}} {
		got := e.q.get(c.queue)
		if len(got) != 1 {
			t.Fatalf("%s got %d messages", c.queue, len(got))
		}
		resp, err := http.Get(stringFields(t, []byte(got[0].Body))["UnsubscribeURL"])
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(body), "<RequestId>") {
			t.Errorf("%s: UnsubscribeURL answered %s %s", c.queue, resp.Status, body)
		}
	}
	if _, err := e.svc.SubscriptionAttributes(sub); code(err) != CodeNotFound {
		t.Errorf("after its UnsubscribeURL, the subscription: %v", err)
	}
	if subs, _, _ := e.svc.ListSubscriptionsByTopic(topic, ""); len(subs) != 1 {
		t.Errorf("subscriptions left: %+v", subs)
	}
}
