package expr

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"go.uber.org/goleak"
	"golang.org/x/tools/txtar"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var update = flag.Bool("update", false, "rewrite testdata goldens")

// fixtureNames and fixtureValues are the placeholders every golden case
// may use.
var fixtureNames = map[string]string{"#n": "status", "#a": "a", "#d": "b.c", "#k": "pk", "#s": "sk"}

func fixtureValues(t testing.TB) map[string]attr.Value {
	item, err := attr.DecodeItem([]byte(`{
		":s": {"S": "x"}, ":s2": {"S": "y"}, ":n": {"N": "10"}, ":n2": {"N": "1"},
		":b": {"B": "AAE="}, ":b0": {"B": "AA=="}, ":l": {"L": [{"S": "e"}]}, ":ss": {"SS": ["x"]},
		":ns": {"NS": ["1"]}, ":t": {"S": "SS"}, ":bad": {"S": "X"}, ":m": {"M": {}},
		":bool": {"BOOL": true}, ":three": {"N": "3"}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	return item
}

// parseCase parses src as kind and prints the result canonically, or
// the error.
func parseCase(t testing.TB, kind, src string) string {
	p, err := NewParams(fixtureNames, fixtureValues(t))
	if err != nil {
		t.Fatal(err)
	}
	var out fmt.Stringer
	switch kind {
	case "condition":
		var n *Node
		n, err = p.ParseCondition(FieldCondition, src)
		out = n
	case "filter":
		var n *Node
		n, err = p.ParseCondition(FieldFilter, src)
		out = n
	case "update":
		var u *Update
		u, err = p.ParseUpdate(src)
		out = u
	case "projection":
		var paths []Path
		paths, err = p.ParseProjection(src)
		out = pathList(paths)
	case "key":
		var kc *KeyCondition
		kc, err = p.ParseKeyCondition(src)
		out = kc
	default:
		t.Fatalf("unknown kind %q", kind)
	}
	if err != nil {
		return "error: " + err.Error()
	}
	return out.String()
}

type pathList []Path

func (l pathList) String() string {
	s := make([]string, len(l))
	for i, p := range l {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func (kc *KeyCondition) String() string {
	var parts []string
	for _, t := range kc.Terms {
		var vs []string
		for _, v := range t.Values {
			vs = append(vs, string(v.AppendJSON(nil)))
		}
		parts = append(parts, t.Name+" "+t.Op+" "+strings.Join(vs, " "))
	}
	return strings.Join(parts, "; ")
}

// TestParseGolden runs testdata/parse.txtar: each file is named "kind:
// case" and holds the expression, then "---", then the canonical form
// or the error. -update rewrites the expectations.
func TestParseGolden(t *testing.T) {
	const file = "testdata/parse.txtar"
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range ar.Files {
		kind, _, _ := strings.Cut(f.Name, ":")
		src, want, _ := strings.Cut(string(f.Data), "\n---\n")
		got := parseCase(t, kind, src)
		if *update {
			ar.Files[i].Data = []byte(src + "\n---\n" + got + "\n")
			continue
		}
		if got != strings.TrimSuffix(want, "\n") {
			t.Errorf("%s: %s\n got: %s\nwant: %s", f.Name, src, got, want)
		}
	}
	if *update {
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
