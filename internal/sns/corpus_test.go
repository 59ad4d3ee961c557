package sns

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// readCorpus reads an aws-lambda-go test event from the shared corpora.
func readCorpus(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpora", "aws_aws-lambda-go", "events", "testdata", name))
}

// fieldSet lists the object member paths of a JSON document, sorted, map
// keys of MessageAttributes left out (they are data).
func fieldSet(t *testing.T, doc []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				p := path + "." + k
				if strings.HasSuffix(path, ".MessageAttributes") {
					p = path + ".*"
				}
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
				walk(p, c)
			}
		case []any:
			for _, c := range x {
				walk(path+"[]", c)
			}
		}
	}
	walk("", v)
	slices.Sort(out)
	return strings.Join(out, " ")
}

// strictSNSEvent decodes an SNS event with unknown fields refused.
func strictSNSEvent(t *testing.T, doc []byte) events.SNSEvent {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(doc))
	d.DisallowUnknownFields()
	var ev events.SNSEvent
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("events.SNSEvent: %v\n%s", err, doc)
	}
	if len(ev.Records) != 1 {
		t.Fatalf("%d records", len(ev.Records))
	}
	return ev
}
