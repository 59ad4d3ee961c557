package eventbus

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// ec2Event is the example event of AWS's "Amazon EventBridge input
// transformation" page.
const ec2Event = `{
  "version": "0",
  "id": "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "123456789012",
  "time": "2015-11-11T21:29:54Z",
  "region": "us-east-1",
  "resources": [
    "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"
  ],
  "detail": {
    "instance-id": "i-0123456789",
    "state": "RUNNING"
  }
}`

// ec2NoDetail is ec2Event without its detail, minified: <aws.events.event>.
const ec2NoDetail = `{"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2015-11-11T21:29:54Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]}`

// docPaths is the user guide's inputPathsMap, plus "status" from the API
// reference's examples and a few more for our own cases.
var docPaths = map[string]string{
	"timestamp": "$.time",
	"instance":  "$.detail.instance-id",
	"state":     "$.detail.state",
	"status":    "$.detail.state",
	"detail":    "$.detail",
	"resource0": "$.resources[0]",
	"resources": "$.resources[*]",
	"all":       "$.detail.*",
	"missing":   "$.detail.nope",
	"version":   "$.version",
}

var testVars = Vars{
	RuleName:      "example",
	RuleARN:       "arn:aws:events:us-east-2:123456789012:rule/example",
	IngestionTime: time.Date(2015, 11, 11, 21, 29, 55, 0, time.UTC),
}

type applyCase struct {
	name  string
	in    Input
	event string // ec2Event when empty
	want  string // exact output
	err   error  // wanted error (errors.Is)
}

func tr(tmpl string) Input {
	return Input{Transformer: &Transformer{PathsMap: docPaths, Template: tmpl}}
}

var applyCases = []applyCase{
	// The user guide's table of input template examples.
	{name: "doc/simple string", in: tr(`"instance <instance> is in <state>"`),
		want: `"instance i-0123456789 is in RUNNING"`},
	{name: "doc/string with escaped quotes", in: tr(`"instance \"<instance>\" is in <state>"`),
		want: `"instance \"i-0123456789\" is in RUNNING"`},
	{name: "doc/simple JSON", in: tr("{\n  \"instance\" : <instance>,\n  \"state\": <state>\n}"),
		want: `{"instance":"i-0123456789","state":"RUNNING"}`},
	{name: "doc/JSON with strings and variables",
		in:   tr(`{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \"<instance>\" is in <state>"}`),
		want: `{"instance":"i-0123456789","state":"RUNNING","instanceStatus":"instance \"i-0123456789\" is in RUNNING"}`},
	{name: "doc/JSON with a mix of variables and static information",
		in:   tr(`{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}`),
		want: `{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}`},
	{name: "doc/including reserved variables in JSON",
		in:   tr(`{"instance" : <instance>, "state": <state>, "ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event>}`),
		want: `{"instance":"i-0123456789","state":"RUNNING","ruleArn":"arn:aws:events:us-east-2:123456789012:rule/example","ruleName":"example","originalEvent":` + ec2NoDetail + `}`},
	{name: "doc/including reserved variables in a string", in: tr(`"<aws.events.rule-name> triggered"`),
		want: `"example triggered"`},
	{name: "doc/log group message", in: tr(`{"timestamp" : <timestamp>, "message": "instance \"<instance>\" is in <state>"}`),
		want: `{"timestamp":"2015-11-11T21:29:54Z","message":"instance \"i-0123456789\" is in RUNNING"}`},
	// The API reference's InputTransformer examples.
	{name: "api/text template", in: tr(`<instance> is in state <status>`),
		want: `"i-0123456789 is in state RUNNING"`},
	{name: "api/text template with quotes", in: tr(`<instance> is in state "<status>"`),
		want: `"i-0123456789 is in state \"RUNNING\""`},
	{name: "api/JSON with variables in quotes or out",
		in:   tr(`{"myInstance": <instance>,"myStatus": "<instance> is in state \"<status>\""}`),
		want: `{"myInstance":"i-0123456789","myStatus":"i-0123456789 is in state \"RUNNING\""}`},
	// Values of every JSON kind, paths, missing variables.
	{name: "object value", in: tr(`{"d": <detail>}`), want: `{"d":{"instance-id":"i-0123456789","state":"RUNNING"}}`},
	{name: "object inside a string is its text", in: tr(`"d=<detail>"`),
		want: `"d={\"instance-id\":\"i-0123456789\",\"state\":\"RUNNING\"}"`},
	{name: "bare placeholder is the value", in: tr(`<detail>`), want: `{"instance-id":"i-0123456789","state":"RUNNING"}`},
	{name: "bare string placeholder", in: tr(` <instance> `), want: `"i-0123456789"`},
	{name: "array index", in: tr(`[<resource0>]`), want: `["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]`},
	{name: "array wildcard", in: tr(`{"r": <resources>}`), want: `{"r":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]}`},
	{name: "member wildcard keeps order", in: tr(`{"a": <all>}`), want: `{"a":["i-0123456789","RUNNING"]}`},
	{name: "missing path is null outside quotes, empty inside", in: tr(`{"x": <missing>, "s": "a<missing>b"}`),
		want: `{"x":null,"s":"ab"}`},
	{name: "missing path in text is empty", in: tr(`[<missing>] state <state>`), want: `"[] state RUNNING"`},
	{name: "literal angle bracket in text", in: tr(`a < b <state>`), want: `"a < b RUNNING"`},
	{name: "number inside a string", event: `{"detail":{"n":42.50}}`,
		in:   Input{Transformer: &Transformer{PathsMap: map[string]string{"n": "$.detail.n"}, Template: `{"n": <n>, "s": "n=<n>"}`}},
		want: `{"n":42.50,"s":"n=42.50"}`},
	{name: "quote in a value is escaped inside a string", event: `{"detail":{"q":"say \"hi\" & <go>"}}`,
		in:   Input{Transformer: &Transformer{PathsMap: map[string]string{"q": "$.detail.q"}, Template: `{"m": "<q>!", "v": <q>}`}},
		want: `{"m":"say \"hi\" & <go>!","v":"say \"hi\" & <go>"}`},
	{name: "ingestion time", in: tr(`{"t": <aws.events.event.ingestion-time>, "s": "at <aws.events.event.ingestion-time>"}`),
		want: `{"t":"2015-11-11T21:29:55Z","s":"at 2015-11-11T21:29:55Z"}`},
	{name: "event json", event: `{"a": 1, "detail": {"b": [1, 2]}}`, in: tr(`{"e": <aws.events.event.json>, "x": <aws.events.event>}`),
		want: `{"e":{"a":1,"detail":{"b":[1,2]}},"x":{"a":1}}`},
	{name: "null and booleans", event: `{"detail":{"n":null,"t":true}}`,
		in:   Input{Transformer: &Transformer{PathsMap: map[string]string{"n": "$.detail.n", "t": "$.detail.t"}, Template: `[<n>, <t>, "<n>/<t>"]`}},
		want: `[null,true,"null/true"]`},
	// Input and InputPath.
	{name: "constant input", in: Input{Input: json.RawMessage(`{ "a" : [1, 2] }`)}, want: `{"a":[1,2]}`},
	{name: "inputPath detail", in: Input{InputPath: "$.detail"}, want: `{"instance-id":"i-0123456789","state":"RUNNING"}`},
	{name: "inputPath scalar", in: Input{InputPath: "$.detail.state"}, want: `"RUNNING"`},
	{name: "inputPath root", in: Input{InputPath: "$"}, event: `{ "a": 1 }`, want: `{"a":1}`},
	{name: "inputPath wildcard", in: Input{InputPath: "$.detail[*]"}, event: `{"detail":[{"a":1},{"a":2}]}`, want: `[{"a":1},{"a":2}]`},
	{name: "inputPath nested index", in: Input{InputPath: "$.d[1].x"}, event: `{"d":[{"x":1},{"x":2}]}`, want: `2`},
	{name: "inputPath missing", in: Input{InputPath: "$.detail.nope"}, err: ErrNoMatch},
	{name: "inputPath index on object", in: Input{InputPath: "$.detail[0]"}, err: ErrNoMatch},
	{name: "inputPath name on array", in: Input{InputPath: "$.resources.x"}, err: ErrNoMatch},
	{name: "whole event", in: Input{}, event: `{"a":1}`, want: `{"a":1}`},
}

func TestApply(t *testing.T) {
	for _, c := range applyCases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.in.Check(); err != nil {
				t.Fatalf("Check: %v", err)
			}
			ev := c.event
			if ev == "" {
				ev = ec2Event
			}
			got, err := c.in.ApplyVars([]byte(ev), testVars)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if !json.Valid(got) {
				t.Errorf("output is not JSON: %s", got)
			}
		})
	}
}

type checkCase struct {
	name string
	in   Input
	want string // substring of the error
}

func manyPaths(n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m["v"+strings.Repeat("x", i)] = "$.a"
	}
	return m
}

var checkCases = []checkCase{
	{"input and inputPath", Input{Input: json.RawMessage(`{}`), InputPath: "$"}, "exclusive"},
	{"inputPath and transformer", Input{InputPath: "$", Transformer: &Transformer{Template: "1"}}, "exclusive"},
	{"input not JSON", Input{Input: json.RawMessage(`{a}`)}, "input: not valid JSON"},
	{"input too long", Input{Input: json.RawMessage(`"` + strings.Repeat("a", maxInputLen) + `"`)}, "over the 8192 limit"},
	{"path without $", Input{InputPath: "detail"}, "must start with $"},
	{"path bracket name", Input{InputPath: "$['detail']"}, "use dot notation"},
	{"path deep scan", Input{InputPath: "$..detail"}, "deep scan"},
	{"path trailing dot", Input{InputPath: "$.detail."}, "empty member name"},
	{"path unclosed bracket", Input{InputPath: "$.a[0"}, "without ']'"},
	{"path negative index", Input{InputPath: "$.a[-1]"}, "not an array index"},
	{"path space", Input{InputPath: "$.a b"}, "unexpected"},
	{"path too long", Input{InputPath: "$." + strings.Repeat("a", maxPathLen)}, "over the 256 limit"},
	{"paths map over 100", Input{Transformer: &Transformer{PathsMap: manyPaths(101), Template: "1"}}, "101 entries, over the 100 limit"},
	{"variable name with a dot", Input{Transformer: &Transformer{PathsMap: map[string]string{"a.b": "$.a"}, Template: "<a.b>"}}, "may only hold letters"},
	{"reserved variable name", Input{Transformer: &Transformer{PathsMap: map[string]string{"aws.events.rule-name": "$.a"}, Template: "1"}}, "reserved"},
	{"empty variable name", Input{Transformer: &Transformer{PathsMap: map[string]string{"": "$.a"}, Template: "1"}}, "must be 1 to 256"},
	{"bad path in map", Input{Transformer: &Transformer{PathsMap: map[string]string{"a": "a"}, Template: "<a>"}}, `inputPathsMap["a"]`},
	{"empty template", Input{Transformer: &Transformer{}}, "inputTemplate is empty"},
	{"template too long", Input{Transformer: &Transformer{Template: strings.Repeat("a", maxTemplateLen+1)}}, "over the 8192 limit"},
	{"undefined placeholder", tr(`{"a": <nope>}`), "<nope> is not defined"},
	{"undefined placeholder in text", tr(`hello <nope>`), "<nope> is not defined"},
	{"placeholder as key", tr(`{<instance>: 1}`), "may not be an object key"},
	{"quoted placeholder as key", tr(`{"<instance>": 1}`), "object key"},
	{"quoted placeholder in nested key", tr(`{"a": [{"k<instance>": 1}]}`), "object key"},
	{"broken JSON object", tr(`{"a": <instance>`), "not a JSON object"},
	{"event inside a string", tr(`"<aws.events.event>"`), "may only be a JSON value"},
	{"event json in text", tr(`event <aws.events.event.json>`), "may only be a JSON value"},
}

func TestCheck(t *testing.T) {
	for _, c := range checkCases {
		t.Run(c.name, func(t *testing.T) {
			err := c.in.Check()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Check() = %v, want an error with %q", err, c.want)
			}
			if _, err := c.in.Apply([]byte(ec2Event)); err == nil {
				t.Errorf("Apply accepted an input Check refuses")
			}
		})
	}
}

func TestIngestionTimeDefaultsToNow(t *testing.T) {
	before := time.Now().UTC().Truncate(time.Second)
	out, err := tr(`<aws.events.event.ingestion-time>`).Apply([]byte(ec2Event))
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	got, err := time.Parse(timeLayout, s)
	if err != nil || got.Before(before) || got.After(time.Now().Add(time.Hour)) {
		t.Errorf("ingestion time %s (err %v), want about now (%s)", s, err, before)
	}
}

// FuzzInput fills a fuzzed template from a fuzzed path over a fuzzed event:
// whatever Check accepts, Apply must turn into valid JSON for a JSON event.
func FuzzInput(f *testing.F) {
	for _, c := range applyCases {
		if c.in.Transformer != nil {
			f.Add(c.in.Transformer.Template, "$.detail.state", ec2Event)
		}
	}
	f.Add(`{"a": <v>, "b": "<v>"}`, "$.a[*].b", `{"a":[{"b":1},{"b":"x\"y"}]}`)
	f.Add(`"\u<v>0041"`, "$.a", `{"a":"zz"}`)
	f.Add(`<v> <aws.events.rule-arn>`, "$.*", `[1,{"a":2}]`)
	f.Fuzz(func(t *testing.T, tmpl, path, event string) {
		in := Input{Transformer: &Transformer{PathsMap: map[string]string{"v": path}, Template: tmpl}}
		if in.Check() != nil {
			return
		}
		out, err := in.ApplyVars([]byte(event), testVars)
		if err != nil {
			t.Fatalf("Apply of a checked transformer: %v", err)
		}
		if json.Valid([]byte(event)) && !json.Valid(out) {
			t.Fatalf("template %q path %q event %q: output is not JSON: %q", tmpl, path, event, out)
		}
		if p := (Input{InputPath: path}); p.Check() == nil {
			out, err := p.Apply([]byte(event))
			if err == nil && json.Valid([]byte(event)) && !json.Valid(out) {
				t.Fatalf("inputPath %q: output is not JSON: %q", path, out)
			}
		}
	})
}
