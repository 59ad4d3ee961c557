package awsapi

import (
	"encoding/base64"
	"testing"
)

// TestParseTestFunctionRequest: the SDK's document, and what is refused.
func TestParseTestFunctionRequest(t *testing.T) {
	ev := base64.StdEncoding.EncodeToString([]byte(`{"version":"1.0"}`))
	for _, c := range []struct {
		name, doc, event, stage, code string
	}{
		{"the SDK's", `<TestFunctionRequest xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><EventObject>` + ev + `</EventObject><Stage>LIVE</Stage></TestFunctionRequest>`, `{"version":"1.0"}`, "LIVE", ""},
		{"no stage, wrapped base64", "<TestFunctionRequest><EventObject>\n" + ev[:8] + "\n" + ev[8:] + "</EventObject></TestFunctionRequest>", `{"version":"1.0"}`, "DEVELOPMENT", ""},
		{"not XML", `{}`, "", "", "MalformedInput"},
		{"another document", `<InvalidationBatch/>`, "", "", "MalformedInput"},
		{"no event", `<TestFunctionRequest><Stage>LIVE</Stage></TestFunctionRequest>`, "", "", "InvalidArgument"},
		{"not base64", `<TestFunctionRequest><EventObject>{}</EventObject></TestFunctionRequest>`, "", "", "InvalidArgument"},
		{"bad stage", `<TestFunctionRequest><EventObject>` + ev + `</EventObject><Stage>PROD</Stage></TestFunctionRequest>`, "", "", "InvalidArgument"},
	} {
		event, stage, err := parseTestFunctionRequest([]byte(c.doc))
		if c.code != "" {
			if e, ok := err.(*Error); !ok || e.Code != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			continue
		}
		if err != nil || string(event) != c.event || stage != c.stage {
			t.Errorf("%s: %q %q %v", c.name, event, stage, err)
		}
	}
}

// FuzzParseTestFunctionRequest: any document is read or refused with a
// catalog error, and what is read has an event and a stage.
func FuzzParseTestFunctionRequest(f *testing.F) {
	f.Add(`<TestFunctionRequest><EventObject>e30=</EventObject><Stage>LIVE</Stage></TestFunctionRequest>`)
	f.Add(`<TestFunctionRequest><EventObject>e30</EventObject></TestFunctionRequest>`)
	f.Add(`<TestFunctionRequest`)
	f.Fuzz(func(t *testing.T, doc string) {
		event, stage, err := parseTestFunctionRequest([]byte(doc))
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("not a catalog error: %v", err)
			}
			return
		}
		if len(event) == 0 || (stage != stageLive && stage != stageDevelopment) {
			t.Fatalf("read %q %q", event, stage)
		}
	})
}
