package awsapi

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/verge-edge/verge/internal/golden"
	"github.com/verge-edge/verge/internal/kinesis"
	"golang.org/x/tools/txtar"
)

// kinesisVolatile are the parts of Kinesis's answers that change from run
// to run: sequence numbers, iterators, times.
var kinesisVolatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{56}`), "SEQUENCE"},
	{regexp.MustCompile(`"(ShardIterator|NextShardIterator)":"[^"]*"`), `"$1":"ITERATOR"`},
	{regexp.MustCompile(`"(ShardIterator|NextShardIterator)": "[^"]*"`), `"$1": "ITERATOR"`},
	{regexp.MustCompile(`(Timestamp)":\d+(\.\d+)?`), `$1":TIME`},
	{regexp.MustCompile(`(Timestamp)": 1\(\d+\)`), `$1": 1(TIME)`},
	{regexp.MustCompile(`("MillisBehindLatest": ?)\d+`), `${1}MILLIS`},
}

// TestKinesisGolden runs testdata/kinesis: each archive's requests, one a
// line ("[cbor] OPERATION JSON"; a cbor line sends the JSON's value in
// CBOR as cborValue makes it; $IT is the last iterator received), signed as the admin, and the
// answers: status, Content-Type, X-Amzn-ErrorType and the body (CBOR in
// diagnostic notation, byte strings in hex).
func TestKinesisGolden(t *testing.T) {
	golden.Run(t, "kinesis", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		e := newKinesis(t, kinesis.Options{})
		reqs, _ := golden.Section(a, "requests")
		var out strings.Builder
		iterator := ""
		itRE := regexp.MustCompile(`"ShardIterator":"([^"]*)"`)
		sc := bufio.NewScanner(strings.NewReader(reqs))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			ct, rest := contentJSON11, line
			if r, ok := strings.CutPrefix(line, "cbor "); ok {
				ct, rest = contentCBOR, r
			}
			op, body, _ := strings.Cut(rest, " ")
			body = strings.ReplaceAll(body, "$IT", iterator)
			wire := []byte(body)
			if ct == contentCBOR {
				d := json.NewDecoder(strings.NewReader(body))
				d.UseNumber()
				var v any
				if err := d.Decode(&v); err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				wire, _ = cbor.Marshal(cborValue(v))
			}
			resp, b := kinesisCall(t, e, op, ct, wire)
			shown := string(b)
			if ct == contentCBOR {
				d, err := cbor.Diagnose(b)
				if err != nil {
					t.Fatalf("%s: the answer is not CBOR: %v", line, err)
				}
				shown = d
				var it struct {
					ShardIterator string `cbor:"ShardIterator"`
				}
				if cbor.Unmarshal(b, &it) == nil && it.ShardIterator != "" {
					iterator = it.ShardIterator
				}
			} else if m := itRE.FindStringSubmatch(shown); m != nil {
				iterator = m[1]
			}
			for _, v := range kinesisVolatile {
				shown = v.re.ReplaceAllString(shown, v.with)
			}
			out.WriteString("> " + line + "\n" + resp.Status + " " + resp.Header.Get("Content-Type") + " " + resp.Header.Get(HeaderErrorType) + "\n")
			out.WriteString(string(bytes.TrimSpace([]byte(shown))) + "\n\n")
		}
		return "responses", out.String()
	})
}

// cborValue is a JSON value as a CBOR client sends it: integers as
// integers, and a string "b64:BASE64" as a byte string.
func cborValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			x[k] = cborValue(y)
		}
	case []any:
		for i, y := range x {
			x[i] = cborValue(y)
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case string:
		if b64, ok := strings.CutPrefix(x, "b64:"); ok {
			b, _ := base64.StdEncoding.DecodeString(b64)
			return b
		}
	}
	return v
}
