package stack

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	arnpkg "github.com/verge-edge/verge/internal/arn"
)

type arnTest struct {
	arn     string
	kind    DestinationKind
	name    string
	problem string // a substring of the error; "" when it parses
}

var arnTests = []arnTest{
	{functionARNPrefix + "fn", DestinationFunction, "fn", ""},
	{eventBusARNPrefix + "orders", DestinationEventBus, "orders", ""},
	{eventBusARNPrefix + "default", DestinationEventBus, "default", ""},
	{"fn", "", "", "is not an ARN"},
	{"", "", "", "is not an ARN"},
	{"arn:aws:lambda", "", "", "is not an ARN"},
	{"urn:aws:lambda:us-east-1:000000000000:function:fn", "", "", "is not an ARN"},
	{functionARNPrefix + "fn:live", "", "", `version or alias "live"`},
	{functionARNPrefix + "fn:$LATEST", "", "", `version or alias "$LATEST"`},
	{functionARNPrefix, "", "", "not a function's"},
	{"arn:aws:lambda:us-east-1:000000000000:layer:x", "", "", "not a function's"},
	{eventBusARNPrefix, "", "", "not an event bus's"},
	{"arn:aws:events:us-east-1:000000000000:rule/x", "", "", "not an event bus's"},
	{"arn:aws:sqs:us-east-1:000000000000:jobs", DestinationQueue, "jobs", ""},
	{"arn:aws:sqs:us-east-1:000000000000:jobs.fifo", DestinationQueue, "jobs.fifo", ""},
	{"arn:aws:sqs:us-east-1:000000000000:", "", "", "not a queue's"},
	{"arn:aws:sqs:us-east-1:000000000000:a/b", "", "", "not a queue's"},
	{"arn:aws:sqs:eu-west-1:000000000000:jobs", "", "", `region "eu-west-1"`},
	{"arn:aws:sns:us-east-1:000000000000:topic", DestinationTopic, "topic", ""},
	{"arn:aws:sns:us-east-1:000000000000:topic:0b3c", "", "", `subscription's ARN; name topic "topic"`},
	{"arn:aws:sns:us-east-1:000000000000:", "", "", "not a topic's"},
	{"arn:aws:s3:::bucket", "", "", `service "s3"`},
	{"arn:aws-cn:lambda:us-east-1:000000000000:function:fn", "", "", `partition "aws-cn"`},
	{"arn:aws:lambda:eu-west-1:000000000000:function:fn", "", "", `region "eu-west-1"`},
	{"arn:aws:events:us-east-1:123456789012:event-bus/b", "", "", `account "123456789012"`},
}

func TestParseARN(t *testing.T) {
	for _, tt := range arnTests {
		kind, name, err := parseARN(tt.arn, "x")
		switch {
		case tt.problem == "" && (err != nil || kind != tt.kind || name != tt.name):
			t.Errorf("parseARN(%q) = %q, %q, %v; want %q, %q", tt.arn, kind, name, err, tt.kind, tt.name)
		case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
			t.Errorf("parseARN(%q) error = %v, want %q", tt.arn, err, tt.problem)
		}
	}
}

// FuzzParseARN checks that parseARN never panics and that what it accepts
// is what the stack's ARNs look like.
func FuzzParseARN(f *testing.F) {
	for _, tt := range arnTests {
		f.Add(tt.arn)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		kind, name, err := parseARN(arn, "x")
		if err != nil {
			return
		}
		var want string
		switch kind {
		case DestinationFunction:
			want = functionARNPrefix + name
		case DestinationEventBus:
			want = eventBusARNPrefix + name
		case DestinationQueue:
			want = arnpkg.Queue(name)
		case DestinationTopic:
			want = arnpkg.Topic(name)
		default:
			t.Fatalf("parseARN(%q) kind %q", arn, kind)
		}
		if name == "" || arn != want {
			t.Fatalf("parseARN(%q) = %q, %q: does not rebuild the ARN", arn, kind, name)
		}
	})
}

type inputTest struct {
	name string
	in   TargetInput
	want []string // "field: substring" of each report, in order
}

var inputTests = []inputTest{
	{"none", TargetInput{}, nil},
	{"input", TargetInput{Input: json.RawMessage(`{"a":1}`)}, nil},
	{"input too big", TargetInput{Input: json.RawMessage(`"` + strings.Repeat("x", maxInputBytes) + `"`)}, []string{"input: EventBridge's limit is 8192"}},
	{"path", TargetInput{InputPath: "$.detail"}, nil},
	{"path root", TargetInput{InputPath: "$"}, nil},
	{"path index", TargetInput{InputPath: "$[0]"}, nil},
	{"path without $", TargetInput{InputPath: "detail"}, []string{"inputPath: must start with $"}},
	{"path with space", TargetInput{InputPath: "$.a b"}, []string{"inputPath: must not hold spaces"}},
	{"path too long", TargetInput{InputPath: "$." + strings.Repeat("a", maxJSONPathBytes)}, []string{"inputPath: EventBridge's limit is 256"}},
	{"transformer", TargetInput{Transformer: &Transformer{PathsMap: map[string]string{"a-b_c.d": "$.x"}, Template: "<a-b_c.d>"}}, nil},
	{"empty template", TargetInput{Transformer: &Transformer{Template: " \n"}}, []string{"inputTemplate: must not be empty"}},
	{"template too long", TargetInput{Transformer: &Transformer{Template: strings.Repeat("x", maxInputBytes+1)}}, []string{"inputTemplate: EventBridge's limit is 8192"}},
	{"reserved variable", TargetInput{Transformer: &Transformer{PathsMap: map[string]string{"aws.events.rule-arn": "$.x"}, Template: "t"}}, []string{"inputPathsMap.aws.events.rule-arn: is reserved"}},
	{"bad variable", TargetInput{Transformer: &Transformer{PathsMap: map[string]string{"a b": "$.x"}, Template: "t"}}, []string{"inputPathsMap.a b: variable \"a b\" may hold only letters"}},
	{"bad variable path", TargetInput{Transformer: &Transformer{PathsMap: map[string]string{"v": "x"}, Template: "t"}}, []string{`inputPathsMap.v: variable "v": JSON path "x" must start with $`}},
	{"too many variables", TargetInput{Transformer: &Transformer{PathsMap: manyVariables(maxInputVariables + 1), Template: "t"}}, []string{"inputPathsMap: has 101 variables"}},
}

func manyVariables(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[strings.Repeat("v", i+1)] = "$.x"
	}
	return m
}

func TestCheckTargetInput(t *testing.T) {
	for _, tt := range inputTests {
		var got []string
		checkTargetInput(tt.in, func(field string, err error) { got = append(got, field+": "+err.Error()) })
		if len(got) != len(tt.want) {
			t.Errorf("%s: reports %q, want %q", tt.name, got, tt.want)
			continue
		}
		for i, w := range tt.want {
			field, sub, _ := strings.Cut(w, ": ")
			if !strings.HasPrefix(got[i], field+": ") || !strings.Contains(got[i], sub) {
				t.Errorf("%s: report %q, want %q", tt.name, got[i], w)
			}
		}
	}
}

func TestCheckPatternShape(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		problem string
	}{
		{`{"source":["a"]}`, ""},
		{`{}`, ""},
		{`["a"]`, "found a list"},
		{`null`, "found an empty value"},
		{`"a"`, "found a string"},
		{`1`, "found the value 1"},
		{`{"a":"` + strings.Repeat("x", maxPatternBytes) + `"}`, "EventBridge's limit is 4096"},
	} {
		err := checkPatternShape([]byte(tt.pattern))
		if tt.problem == "" && err != nil || tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)) {
			t.Errorf("checkPatternShape(%.20s) = %v, want %q", tt.pattern, err, tt.problem)
		}
	}
}

type yamlJSONTest struct {
	yaml    string
	want    string // the JSON, or a substring of the problem
	problem bool
}

var yamlJSONTests = []yamlJSONTest{
	{"a", `"a"`, false},
	{"'1'", `"1"`, false},
	{"1", "1", false},
	{"-0", "-0", false},
	{"2.50", "2.50", false},
	{"3e2", "3e2", false},
	{"0x1F", "31", false},
	{"0o17", "15", false},
	{"+5", "5", false},
	{".5", "0.5", false},
	{"1.5e+3", "1.5e+3", false},
	{"true", "true", false},
	{"~", "null", false},
	{"", "null", false},
	{"2024-01-01", `"2024-01-01"`, false},
	{"<a&b>", `"<a&b>"`, false},
	{`"tab\there"`, `"tab\there"`, false},
	{"[1, [a], {}]", `[1,["a"],{}]`, false},
	{"b: 1\na: [x, null]", `{"b":1,"a":["x",null]}`, false},
	{"x: &v [1]\ny: *v", `{"x":[1],"y":[1]}`, false},
	{"1: one", `{"1":"one"}`, false},
	{".inf", "no infinity or NaN", true},
	{"-.inf", "no infinity or NaN", true},
	{".nan", "no infinity or NaN", true},
	{"a: 1\na: 2", "duplicate key", true},
	{"<<: {a: 1}", "merge keys", true},
	{"$Secret('x')", "uses the directive", true},
	{"!custom x", "YAML tag !custom", true},
	{"[a]: 1", "must be names", true},
}

// yamlJSON converts YAML text to JSON as a JSON property does.
func yamlJSON(t testing.TB, src string) (string, []problem) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Skipf("not YAML: %v", err)
	}
	d := newDecoder()
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	if len(doc.Content) > 0 {
		n = doc.Content[0]
	}
	var b bytes.Buffer
	if n = d.deref(n); n != nil {
		d.writeJSON(&b, n, "input")
	}
	return b.String(), d.problems
}

func TestYAMLToJSON(t *testing.T) {
	for _, tt := range yamlJSONTests {
		got, problems := yamlJSON(t, tt.yaml)
		if tt.problem {
			if len(problems) == 0 || !strings.Contains(problems[0].msg, tt.want) {
				t.Errorf("YAML %q: problems %v, want %q", tt.yaml, problems, tt.want)
			}
			continue
		}
		if len(problems) > 0 || got != tt.want {
			t.Errorf("YAML %q = %s, %v; want %s", tt.yaml, got, problems, tt.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("YAML %q gave invalid JSON %s", tt.yaml, got)
		}
	}
}

// FuzzYAMLToJSON checks that any YAML value converts to valid JSON or to
// positioned problems.
func FuzzYAMLToJSON(f *testing.F) {
	for _, tt := range yamlJSONTests {
		f.Add(tt.yaml)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got, problems := yamlJSON(t, src)
		for _, p := range problems {
			if p.line < 1 || p.col < 1 {
				t.Fatalf("YAML %q: problem without a position: %v", src, p)
			}
		}
		if len(problems) == 0 && !json.Valid([]byte(got)) {
			t.Fatalf("YAML %q gave invalid JSON %s", src, got)
		}
	})
}
