package stack

import (
	"encoding/json"
	"strings"
	"testing"
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
