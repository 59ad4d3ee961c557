package sns

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"
)

// goldenMessage is a line of a filter golden's messages section.
type goldenMessage struct {
	Attributes map[string]struct{ Type, Value string } `json:"attributes"`
	Body       string                                  `json:"body"`
}

// TestFilterGolden runs the policies in testdata/filter (AWS's documented
// examples) against their messages: each line of want is the outcome for
// a message, or the policy's error.
func TestFilterGolden(t *testing.T) {
	golden.Run(t, "filter", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		policy, _ := golden.Section(a, "policy.json")
		scope, _ := golden.Section(a, "scope")
		f, err := CompileFilter(strings.TrimSpace(policy), strings.TrimSpace(scope))
		if err != nil {
			return "want", "error: " + err.Error()
		}
		msgs, _ := golden.Section(a, "messages")
		var out strings.Builder
		for line := range strings.Lines(strings.TrimSpace(msgs)) {
			var m goldenMessage
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("message %s: %v", line, err)
			}
			attrs := map[string]MessageAttribute{}
			for k, v := range m.Attributes {
				a := MessageAttribute{DataType: v.Type, StringValue: v.Value}
				if v.Type == DataBinary {
					a.StringValue, a.BinaryValue = "", []byte(v.Value)
				}
				attrs[k] = a
			}
			fmt.Fprintf(&out, "%-5v %s\n", f.Match(attrs, m.Body), strings.TrimSpace(line))
		}
		return "want", out.String()
	})
}

// FuzzFilterPolicy compiles arbitrary policies: no panic, and a policy
// that compiles evaluates any message without one.
func FuzzFilterPolicy(f *testing.F) {
	for _, s := range []string{
		`{"a":["x",1,{"prefix":"p"}]}`,
		`{"a":[{"anything-but":{"prefix":"x"}}],"$or":[{"b":[1]},{"c":[{"exists":false}]}]}`,
		`{"a":{"b":[{"numeric":[">",0,"<=",5]}]}}`,
		`{"a":[{"cidr":"10.0.0.0/8"}],"b":[{"equals-ignore-case":"X"}]}`,
		`{"a":[{"anything-but":[1,2]}]}`, `[]`, `{"a":[]}`,
	} {
		f.Add(s, true, `{"a":"x","b":1}`)
	}
	f.Fuzz(func(t *testing.T, policy string, body bool, msg string) {
		scope := ScopeAttributes
		if body {
			scope = ScopeBody
		}
		flt, err := CompileFilter(policy, scope)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "FilterPolicy: ") {
				t.Fatalf("error %q lacks its prefix", err)
			}
			return
		}
		attrs := map[string]MessageAttribute{
			"a": {DataType: DataString, StringValue: msg},
			"b": {DataType: DataNumber, StringValue: msg},
			"c": {DataType: DataStringArray, StringValue: msg},
			"d": {DataType: DataBinary, BinaryValue: []byte(msg)},
		}
		flt.Match(attrs, msg)
	})
}

// BenchmarkFilter evaluates a typical attribute policy (an exact string,
// a numeric range, an anything-but and a prefix) against a message of
// five attributes; the attribute event is built once per message, as
// Publish builds it once for all subscriptions.
func BenchmarkFilter(b *testing.B) {
	f, err := CompileFilter(`{"event":["order_placed","order_paid"],"price":[{"numeric":[">=",100,"<",1000]}],"store":[{"anything-but":["test","staging"]}],"region":[{"prefix":"eu-"}]}`, "")
	if err != nil {
		b.Fatal(err)
	}
	s := &subject{attrs: map[string]MessageAttribute{
		"event":  {DataType: DataString, StringValue: "order_paid"},
		"price":  {DataType: DataNumber, StringValue: "249.99"},
		"store":  {DataType: DataString, StringValue: "paris-1"},
		"region": {DataType: DataString, StringValue: "eu-west-3"},
		"blob":   {DataType: DataBinary, BinaryValue: []byte(base64.StdEncoding.EncodeToString([]byte("x")))},
	}}
	if !f.match(s) {
		b.Fatal("the policy does not match its message")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if !f.match(s) {
			b.Fatal("no match")
		}
	}
}
