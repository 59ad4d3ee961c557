package awsapi

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// testEventPlan is a plan with a bus of its own, a schedule and bus
// rules, one with an input transformer, and enough rules on the default
// bus to page.
func testEventPlan() ([]string, []EventRule) {
	rules := []EventRule{
		{Name: "echo-event-bus-1", Bus: "orders", Pattern: `{"source":["shop"]}`, Targets: []EventTarget{{ID: "echo", ARN: "arn:aws:lambda:us-east-1:000000000000:function:echo",
			Transformer: &eventbus.Transformer{PathsMap: map[string]string{"id": "$.detail.id"}, Template: `{"order": <id>}`}}}},
		{Name: "echo-schedule-0", Bus: "default", Schedule: "rate(1 day)", Targets: []EventTarget{{ID: "echo", ARN: "arn:aws:lambda:us-east-1:000000000000:function:echo", Input: `{"a":1}`}}},
	}
	for i := range 3 {
		rules = append(rules, EventRule{Name: fmt.Sprintf("many-event-bus-%d", i), Bus: "default", Pattern: `{"detail-type":["x"]}`,
			Targets: []EventTarget{{ID: "many", ARN: "arn:aws:lambda:us-east-1:000000000000:function:many", InputPath: "$.detail"}}})
	}
	return []string{"orders"}, rules
}

// newEventsClient is an EventBridge client of an endpoint serving
// testEventPlan, signing as the admin, and the authorizer it asks.
func newEventsClient(t *testing.T) (*eventbridge.Client, *authz) {
	t.Helper()
	a := &authz{}
	srv := httptest.NewServer(New(Options{Identities: testIdentities, Authorizer: a}, Events(&bus{}, nil, testEventPlan)))
	t.Cleanup(srv.Close)
	c := testIdentities.Admin()
	return eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken), RetryMaxAttempts: 1}), a
}

// TestEventBridgeReadSDK drives EventBridge's read side with the AWS SDK
// for Go v2: buses, rules (in pages), targets, pattern tests, and the
// errors the SDK reads.
func TestEventBridgeReadSDK(t *testing.T) {
	c, auth := newEventsClient(t)
	ctx := context.Background()

	buses, err := c.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
	if err != nil || len(buses.EventBuses) != 2 || aws.ToString(buses.EventBuses[0].Name) != "default" ||
		aws.ToString(buses.EventBuses[1].Arn) != "arn:aws:events:us-east-1:000000000000:event-bus/orders" {
		t.Fatalf("ListEventBuses: %v %+v", err, buses)
	}
	if req := auth.last(); req.Action != "events:ListEventBuses" || len(req.Resources) != 0 {
		t.Errorf("authorizer asked %+v", req)
	}
	one, err := c.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{NamePrefix: aws.String("ord"), Limit: aws.Int32(1)})
	if err != nil || len(one.EventBuses) != 1 || one.NextToken != nil {
		t.Errorf("ListEventBuses(ord): %v %+v", err, one)
	}
	bus, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("arn:aws:events:us-east-1:000000000000:event-bus/orders")})
	if err != nil || aws.ToString(bus.Name) != "orders" {
		t.Errorf("DescribeEventBus(ARN): %v %+v", err, bus)
	}
	if req := auth.last(); req.Action != "events:DescribeEventBus" || strings.Join(req.Resources, " ") != "arn:aws:events:us-east-1:000000000000:event-bus/orders" {
		t.Errorf("authorizer asked %+v", req)
	}
	def, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{})
	if err != nil || aws.ToString(def.Name) != "default" {
		t.Errorf("DescribeEventBus(): %v %+v", err, def)
	}

	// The default bus's rules, two a page.
	var names []string
	in := &eventbridge.ListRulesInput{Limit: aws.Int32(2)}
	for pages := 0; ; pages++ {
		out, err := c.ListRules(ctx, in)
		if err != nil || pages > 3 {
			t.Fatalf("ListRules: %v (page %d)", err, pages)
		}
		for _, r := range out.Rules {
			names = append(names, aws.ToString(r.Name))
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if strings.Join(names, ",") != "echo-schedule-0,many-event-bus-0,many-event-bus-1,many-event-bus-2" {
		t.Errorf("ListRules in pages: %v", names)
	}
	orders, err := c.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("orders")})
	if err != nil || len(orders.Rules) != 1 {
		t.Fatalf("ListRules(orders): %v %+v", err, orders)
	}
	r := orders.Rules[0]
	if aws.ToString(r.Arn) != "arn:aws:events:us-east-1:000000000000:rule/orders/echo-event-bus-1" || r.State != "ENABLED" ||
		aws.ToString(r.EventPattern) != `{"source":["shop"]}` || aws.ToString(r.EventBusName) != "orders" {
		t.Errorf("ListRules(orders): %+v", r)
	}
	sched, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("echo-schedule-0")})
	if err != nil || aws.ToString(sched.ScheduleExpression) != "rate(1 day)" || aws.ToString(sched.Arn) != "arn:aws:events:us-east-1:000000000000:rule/echo-schedule-0" ||
		aws.ToString(sched.CreatedBy) != "000000000000" {
		t.Errorf("DescribeRule: %v %+v", err, sched)
	}
	if req := auth.last(); req.Action != "events:DescribeRule" || strings.Join(req.Resources, " ") != "arn:aws:events:us-east-1:000000000000:rule/echo-schedule-0" {
		t.Errorf("authorizer asked %+v", req)
	}

	ts, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("echo-event-bus-1"), EventBusName: aws.String("orders")})
	if err != nil || len(ts.Targets) != 1 {
		t.Fatalf("ListTargetsByRule: %v %+v", err, ts)
	}
	if tg := ts.Targets[0]; aws.ToString(tg.Id) != "echo" || aws.ToString(tg.Arn) != "arn:aws:lambda:us-east-1:000000000000:function:echo" ||
		tg.InputTransformer == nil || aws.ToString(tg.InputTransformer.InputTemplate) != `{"order": <id>}` || tg.InputTransformer.InputPathsMap["id"] != "$.detail.id" {
		t.Errorf("target: %+v", tg)
	}
	if req := auth.last(); strings.Join(req.Resources, " ") != "arn:aws:events:us-east-1:000000000000:rule/orders/echo-event-bus-1" {
		t.Errorf("authorizer asked %+v", req)
	}
	ts, err = c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("echo-schedule-0")})
	if err != nil || len(ts.Targets) != 1 || aws.ToString(ts.Targets[0].Input) != `{"a":1}` {
		t.Errorf("ListTargetsByRule(schedule): %v %+v", err, ts)
	}

	event := `{"id":"1","account":"000000000000","source":"shop","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail-type":"order","detail":{"total":12}}`
	for _, c2 := range []struct {
		pattern string
		want    bool
	}{
		{`{"source":["shop"]}`, true},
		{`{"detail":{"total":[{"numeric":[">",10]}]}}`, true},
		{`{"detail":{"total":[{"numeric":[">",20]}]}}`, false},
	} {
		res, err := c.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(c2.pattern), Event: aws.String(event)})
		if err != nil || res.Result != c2.want {
			t.Errorf("TestEventPattern(%s): %v %v, want %v", c2.pattern, err, res, c2.want)
		}
	}

	for _, e := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"DescribeRule of none", func() error {
			_, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Rule nope does not exist on EventBus default"},
		{"DescribeRule on the wrong bus", func() error {
			_, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("echo-event-bus-1")})
			return err
		}, "ResourceNotFoundException", "does not exist"},
		{"ListTargetsByRule of none", func() error {
			_, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Rule nope"},
		{"DescribeEventBus of none", func() error {
			_, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Event bus nope"},
		{"ListRules of no bus", func() error {
			_, err := c.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Event bus nope"},
		{"ListRules with a token Verge did not give", func() error {
			_, err := c.ListRules(ctx, &eventbridge.ListRulesInput{NextToken: aws.String("x")})
			return err
		}, "ValidationException", "NextToken"},
		{"ListRules with too large a limit", func() error {
			_, err := c.ListRules(ctx, &eventbridge.ListRulesInput{Limit: aws.Int32(101)})
			return err
		}, "ValidationException", "limit"},
		{"TestEventPattern with a bad pattern", func() error {
			_, err := c.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(`{"detail":{"total":[{"numeric":[">"]}]}}`), Event: aws.String(event)})
			return err
		}, "InvalidEventPatternException", "detail.total: numeric"},
		{"TestEventPattern with an event missing fields", func() error {
			_, err := c.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(`{"source":["shop"]}`), Event: aws.String(`{"source":"shop"}`)})
			return err
		}, "ValidationException", "missing required fields: id, account"},
	} {
		err := e.call()
		if errorCode(err) != e.code || !strings.Contains(err.Error(), e.msg) {
			t.Errorf("%s: %v (code %q), want %s: …%s…", e.name, err, errorCode(err), e.code, e.msg)
		}
	}
}

// TestEventBridgeAsFunction: a function's credentials reach the read side
// too (the Authorizer decides), and an endpoint with no plan has the
// default bus and no rules.
func TestEventBridgeAsFunction(t *testing.T) {
	srv := httptest.NewServer(New(Options{Identities: testIdentities}, Events(&bus{}, nil, nil)))
	t.Cleanup(srv.Close)
	fn := testIdentities.Function("echo")
	c := eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider(fn.AccessKeyID, fn.SecretAccessKey, fn.SessionToken), RetryMaxAttempts: 1})
	ctx := context.Background()
	buses, err := c.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
	if err != nil || len(buses.EventBuses) != 1 {
		t.Errorf("ListEventBuses: %v %+v", err, buses)
	}
	rules, err := c.ListRules(ctx, &eventbridge.ListRulesInput{})
	if err != nil || rules.Rules == nil || len(rules.Rules) != 0 {
		t.Errorf("ListRules: %v %+v", err, rules)
	}
}
