package stack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/golden"
)

func TestCheckName(t *testing.T) {
	for _, tt := range []struct {
		name    string
		fifo    bool
		problem string // a substring; "" when valid
	}{
		{"jobs", false, ""},
		{"my-queue_1", false, ""},
		{"jobs.fifo", true, ""},
		{strings.Repeat("q", 80), false, ""},
		{strings.Repeat("q", 75) + ".fifo", true, ""},
		{strings.Repeat("q", 81), false, "longer than 80"},
		{"jobs", true, "must end in .fifo"},
		{"jobs.fifo", false, "ends in .fifo"},
		{"jobs.x", false, "only letters, digits"},
		{"", false, "only letters, digits"},
		{".fifo", true, "only letters, digits"},
		{"a b", false, "only letters, digits"},
	} {
		got := checkName(tt.name, tt.fifo, maxQueueNameLength, "FifoQueue")
		if tt.problem == "" && got != "" || tt.problem != "" && !strings.Contains(got, tt.problem) {
			t.Errorf("checkName(%q, %v) = %q, want %q", tt.name, tt.fifo, got, tt.problem)
		}
	}
}

func TestQueueFromURL(t *testing.T) {
	for _, tt := range []struct {
		url, name, problem string
	}{
		{"http://localhost:8081/000000000000/jobs", "jobs", ""},
		{"https://sqs.us-east-1.amazonaws.com/000000000000/jobs.fifo", "jobs.fifo", ""},
		{"http://localhost:8081/123456789012/jobs", "", `account "123456789012"`},
		{"http://localhost:8081/jobs", "", "not a queue URL"},
		{"http://localhost:8081/000000000000/", "", "not a queue URL"},
		{"http://localhost:8081/000000000000/a/b", "", "not a queue URL"},
		{"http://[::1", "", "not a URL"},
	} {
		name, err := queueFromURL(tt.url)
		switch {
		case tt.problem == "" && (err != nil || name != tt.name):
			t.Errorf("queueFromURL(%q) = %q, %v; want %q", tt.url, name, err, tt.name)
		case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
			t.Errorf("queueFromURL(%q) error = %v, want %q", tt.url, err, tt.problem)
		}
	}
	if got := queueURL("", "jobs"); got != DefaultEndpoint+"/000000000000/jobs" {
		t.Errorf("queueURL default = %q", got)
	}
	if got := queueURL("http://127.0.0.1:9000/", "jobs.fifo"); got != "http://127.0.0.1:9000/000000000000/jobs.fifo" {
		t.Errorf("queueURL = %q", got)
	}
}

var filterTests = []struct {
	policy  string // the JSON value as decoded from YAML
	body    bool
	want    string // the compact policy, when valid
	problem string // a substring; "" when valid
}{
	{`{"kind": ["order", {"prefix": "x"}]}`, false, `{"kind":["order",{"prefix":"x"}]}`, ""},
	{`"{\"kind\": [\"a\"]}"`, false, `{"kind":["a"]}`, ""},
	{`{"price": [{"numeric": [">", 10.50]}]}`, false, `{"price":[{"numeric":[">",10.50]}]}`, ""},
	{`{"detail": {"status": ["done"]}}`, true, `{"detail":{"status":["done"]}}`, ""},
	{`{"$or": [{"a": ["x"]}, {"b": ["y"]}]}`, false, `{"$or":[{"a":["x"]},{"b":["y"]}]}`, ""},
	{`{"detail": {"status": ["done"]}}`, false, "", "only filterPolicyScope MessageBody"},
	{`{"store": "example"}`, false, "", `key "store" must map to a list`},
	{`{"a": []}`, false, "", "empty list"},
	{`{"a": [["x"]]}`, false, "", "lists a list"},
	{`{}`, false, "", "is empty"},
	{`{"$or": [{"a": ["x"]}]}`, false, "", "at least two"},
	{`{"$or": ["a", "b"]}`, false, "", "must list mappings"},
	{`{"d": {"e": {"f": 1}}}`, true, "", `key "d.e.f"`},
	{`["a"]`, false, "", "must be a mapping, found a list"},
	{`"not json"`, false, "", "not JSON"},
	{`"[1]"`, false, "", "must be a mapping"},
}

func TestFilterPolicy(t *testing.T) {
	for _, tt := range filterTests {
		b, err := jsonObject(JSON(tt.policy))
		if err == nil {
			err = checkFilterPolicy(b, tt.body)
		}
		switch {
		case tt.problem == "" && (err != nil || string(b) != tt.want):
			t.Errorf("policy %s: %s, %v; want %s", tt.policy, b, err, tt.want)
		case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
			t.Errorf("policy %s: error %v, want %q", tt.policy, err, tt.problem)
		}
	}
	big := `{"a": ["` + strings.Repeat("x", maxFilterPolicyBytes) + `"]}`
	if b, err := jsonObject(JSON(big)); err != nil || checkFilterPolicy(b, false) == nil {
		t.Errorf("a policy over %d bytes was accepted", maxFilterPolicyBytes)
	}
}

// FuzzFilterPolicy checks that the filter policy checks never panic and
// accept only compact JSON objects.
func FuzzFilterPolicy(f *testing.F) {
	for _, tt := range filterTests {
		f.Add(tt.policy, tt.body)
	}
	f.Fuzz(func(t *testing.T, policy string, body bool) {
		b, err := jsonObject(JSON(policy))
		if err != nil {
			return
		}
		if err := checkFilterPolicy(b, body); err != nil {
			return
		}
		var m map[string]any
		if json.Unmarshal(b, &m) != nil || len(m) == 0 {
			t.Fatalf("accepted %q as %q, not a non-empty JSON object", policy, b)
		}
	})
}

func TestRedriveAllow(t *testing.T) {
	for _, tt := range []struct {
		policy, problem string
	}{
		{`{"redrivePermission": "allowAll"}`, ""},
		{`{"redrivePermission": "denyAll"}`, ""},
		{`{"redrivePermission": "byQueue", "sourceQueueArns": ["arn:aws:sqs:us-east-1:000000000000:a"]}`, ""},
		{`{"redrivePermission": "byQueue"}`, "1 to 10 sourceQueueArns"},
		{`{"redrivePermission": "allowAll", "sourceQueueArns": ["x"]}`, "byQueue only"},
		{`{"redrivePermission": "some"}`, "must be allowAll"},
		{`{"permission": "allowAll"}`, "unknown field"},
	} {
		_, err := redriveAllow(JSON(tt.policy))
		if tt.problem == "" && err != nil || tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)) {
			t.Errorf("redriveAllow(%s) = %v, want %q", tt.policy, err, tt.problem)
		}
	}
}

// TestQueueReferences checks, over every golden plan, what the engine
// relies on: triggers, subscriptions and destinations name queues and
// topics the plan lists, (Function, Index) is unique among subscriptions
// and among triggers, and the lists are sorted.
func TestQueueReferences(t *testing.T) {
	files, stacks, wants := goldenParts(t, "*.txtar")
	checked := 0
	for i, file := range files {
		if !strings.HasPrefix(strings.TrimSpace(wants[i]), "{") {
			continue // an error golden
		}
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := golden.WriteFiles(dir, a); err != nil {
			t.Fatal(err)
		}
		plan, err := Parse(FileName, []byte(stacks[i]), dir)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		queues, topics := map[string]bool{}, map[string]bool{}
		for j, q := range plan.Queues {
			queues[q.Name] = true
			if j > 0 && plan.Queues[j-1].Name >= q.Name {
				t.Errorf("%s: queues not sorted by name at %q", file, q.Name)
			}
		}
		for j, tp := range plan.Topics {
			topics[tp.Name] = true
			if j > 0 && plan.Topics[j-1].Name >= tp.Name {
				t.Errorf("%s: topics not sorted by name at %q", file, tp.Name)
			}
		}
		seen := map[string]bool{}
		for j, tr := range plan.QueueTriggers {
			key := fmt.Sprint(tr.Function, "/", tr.Index)
			if !queues[tr.Queue] || plan.Functions[tr.Function] == nil || seen[key] {
				t.Errorf("%s: trigger %+v names an unknown queue or function, or repeats", file, tr)
			}
			if j > 0 && cmpEvent(plan.QueueTriggers[j-1].Function, tr.Function, plan.QueueTriggers[j-1].Index, tr.Index) >= 0 {
				t.Errorf("%s: triggers not sorted at %+v", file, tr)
			}
			seen[key] = true
		}
		seen = map[string]bool{}
		for j, s := range plan.TopicSubscriptions {
			key := fmt.Sprint(s.Function, "/", s.Index)
			switch {
			case !topics[s.Topic], seen[key], (s.Function == "") == (s.Queue == ""),
				s.Queue != "" && !queues[s.Queue], s.Function != "" && plan.Functions[s.Function] == nil,
				s.OnDeliveryFailureQueue != "" && !queues[s.OnDeliveryFailureQueue]:
				t.Errorf("%s: subscription %+v names an unknown topic, queue or function, or repeats", file, s)
			}
			if j > 0 && cmpEvent(plan.TopicSubscriptions[j-1].Function, s.Function, plan.TopicSubscriptions[j-1].Index, s.Index) >= 0 {
				t.Errorf("%s: subscriptions not sorted at %+v", file, s)
			}
			seen[key] = true
		}
		for _, fn := range plan.Functions {
			for _, d := range []*Destination{fn.Async.OnSuccess, fn.Async.OnFailure} {
				if d != nil && (d.Kind == DestinationQueue && !queues[d.Name] || d.Kind == DestinationTopic && !topics[d.Name]) {
					t.Errorf("%s: function %s's destination %+v is not in the plan", file, fn.Name, d)
				}
			}
		}
		checked += len(plan.Queues) + len(plan.Topics)
	}
	if checked < 20 {
		t.Errorf("the goldens hold only %d queues and topics; the check is missing them", checked)
	}
}
