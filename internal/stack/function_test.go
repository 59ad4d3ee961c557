package stack

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type templateTest struct {
	in   string
	want []segment
	err  string // a substring of the error; "" when it parses
}

var templateTests = []templateTest{
	{"plain", []segment{{text: "plain"}}, ""},
	{"", nil, ""},
	{"$5 (or $x)", []segment{{text: "$5 (or $x)"}}, ""},
	{"$Secret('a')", []segment{{name: "Secret", args: []string{"a"}, directive: "$Secret('a')"}}, ""},
	{`$Secret("a b")`, []segment{{name: "Secret", args: []string{"a b"}, directive: `$Secret("a b")`}}, ""},
	{"x-$ResourceParam( 'r' ,\t\"p\" )-y", []segment{
		{text: "x-"},
		{name: "ResourceParam", args: []string{"r", "p"}, directive: "$ResourceParam( 'r' ,\t\"p\" )"},
		{text: "-y"},
	}, ""},
	{"$A()$B('x')", []segment{{name: "A", directive: "$A()"}, {name: "B", args: []string{"x"}, directive: "$B('x')"}}, ""},
	{`$Secret('it"s')`, []segment{{name: "Secret", args: []string{`it"s`}, directive: `$Secret('it"s')`}}, ""},
	{"$Secret(a)", nil, "needs quoted arguments; write $Secret('name')"},
	{"$Secret('a'", nil, "is not closed with )"},
	{"$Secret('a", nil, "whose ' is not closed"},
	{"$Secret('a',)", nil, "needs quoted arguments"},
	{"$Secret('a' 'b')", nil, "needs , or ) after an argument, found '"},
	{"$Other(", nil, "$Other(...) is not closed with )"},
	{"$Other(x)", nil, "$Other(...) needs quoted arguments"},
}

func TestParseTemplate(t *testing.T) {
	for _, tt := range templateTests {
		got, err := parseTemplate(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("parseTemplate(%q) error = %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("parseTemplate(%q) error = %v", tt.in, err)
		case tt.err == "":
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(segment{})); diff != "" {
				t.Errorf("parseTemplate(%q) (-want +got):\n%s", tt.in, diff)
			}
		}
	}
}

type directiveTest struct {
	in      string
	problem string // a substring; "" when valid
}

var directiveTests = []directiveTest{
	{"$Secret('a')", ""},
	{"$ResourceParam('r', 'p')", ""},
	{"$Secret('a', 'b')", "takes 1 argument, found 2"},
	{"$ResourceParam('r')", "takes 2 arguments, found 1"},
	{"$Secret(' ')", "has an empty argument"},
	{"$CfResourceParam('q', 'Arn')", ""},
	{"$CfResourceParam('q')", "takes 2 arguments, found 1"},
	{"$Env('HOME')", "$Env(...) is not supported yet (supported: $CfResourceParam, $ResourceParam, $Secret)"},
}

func TestCheckDirective(t *testing.T) {
	for _, tt := range directiveTests {
		segs, err := parseTemplate(tt.in)
		if err != nil || len(segs) != 1 {
			t.Fatalf("parseTemplate(%q) = %v, %v", tt.in, segs, err)
		}
		got := checkDirective(segs[0])
		if tt.problem == "" && got != "" || tt.problem != "" && !strings.Contains(got, tt.problem) {
			t.Errorf("checkDirective(%q) = %q, want %q", tt.in, got, tt.problem)
		}
	}
}

// FuzzTemplate checks that parseTemplate never panics, and that what it
// parses is the whole input, in order.
func FuzzTemplate(f *testing.F) {
	for _, tt := range templateTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		segs, err := parseTemplate(s)
		if err != nil {
			return
		}
		var b strings.Builder
		for _, seg := range segs {
			if seg.name == "" {
				b.WriteString(seg.text)
			} else {
				b.WriteString(seg.directive)
			}
		}
		if b.String() != s {
			t.Fatalf("parseTemplate(%q) segments join to %q", s, b.String())
		}
	})
}

type envNameTest struct {
	name    string
	problem string // a substring; "" when valid
}

var envNameTests = []envNameTest{
	{"TABLE", ""},
	{"db_host_2", ""},
	{"Ab", ""},
	{"AWS_PROFILE", ""},
	{"aws_region", ""},
	{"A", "not a valid name"},
	{"1A", "not a valid name"},
	{"MY-VAR", "not a valid name"},
	{"MY VAR", "not a valid name"},
	{"", "not a valid name"},
	{"_HANDLER", "reserved"},
	{"_X_AMZN_TRACE_ID", "reserved"},
	{"AWS_REGION", "reserved"},
	{"AWS_DEFAULT_REGION", "reserved"},
	{"AWS_EXECUTION_ENV", "reserved"},
	{"AWS_ACCESS_KEY_ID", "reserved"},
	{"AWS_SECRET_ACCESS_KEY", "reserved"},
	{"AWS_SESSION_TOKEN", "reserved"},
	{"AWS_LAMBDA_FUNCTION_NAME", "starting with AWS_LAMBDA_"},
	{"AWS_LAMBDA_RUNTIME_API", "starting with AWS_LAMBDA_"},
	{"LAMBDA_TASK_ROOT", "reserved"},
	{"LAMBDA_RUNTIME_DIR", "reserved"},
	{"TZ", "reserved"},
}

func TestCheckEnvName(t *testing.T) {
	for _, tt := range envNameTests {
		got := checkEnvName(tt.name)
		if tt.problem == "" && got != "" || tt.problem != "" && !strings.Contains(got, tt.problem) {
			t.Errorf("checkEnvName(%q) = %q, want %q", tt.name, got, tt.problem)
		}
	}
}

type handlerTest struct {
	handler string
	problem string // a substring; "" when valid
}

var handlerTests = []handlerTest{
	{"index.handler", ""},
	{"src/app.lambda_handler", ""},
	{"bootstrap", ""},
	{"", "must not be empty"},
	{"index handler", "must not hold spaces"},
	{"index.\nhandler", "must not hold spaces"},
	{strings.Repeat("a", 129), "longer than 128"},
}

func TestCheckHandler(t *testing.T) {
	for _, tt := range handlerTests {
		got := checkHandler(tt.handler)
		if tt.problem == "" && got != "" || tt.problem != "" && !strings.Contains(got, tt.problem) {
			t.Errorf("checkHandler(%q) = %q, want %q", tt.handler, got, tt.problem)
		}
	}
}

type secretsTest struct {
	name string
	data string
	want map[string]secret
	err  string // a substring of the error; "" when it parses
}

var secretsTests = []secretsTest{
	{"empty", "", map[string]secret{}, ""},
	{"comments only", "# nothing\n", map[string]secret{}, ""},
	{"strings", "a: x\nb: 'y z'\n", map[string]secret{"a": {value: "x", line: 1}, "b": {value: "y z", line: 2}}, ""},
	{"scalars as written", "pin: 0123\nflag: true\n", map[string]secret{"pin": {value: "0123", line: 1}, "flag": {value: "true", line: 2}}, ""},
	{"not strings", "l: [a]\nm: {a: b}\nn:\n", map[string]secret{"l": {line: 1, notString: true}, "m": {line: 2, notString: true}, "n": {line: 3, notString: true}}, ""},
	{"alias", "a: &v x\nb: *v\n", map[string]secret{"a": {value: "x", line: 1}, "b": {value: "x", line: 2}}, ""},
	{"list", "- a\n", nil, "line 1: it must be a mapping"},
	{"scalar", "s3cr3t\n", nil, "line 1: it must be a mapping"},
	{"duplicate", "a: s3cr3t\na: s3cr3t\n", nil, `line 2: secret "a" is defined twice (first at line 1)`},
	{"syntax", "a: \"s3cr3t\n", nil, "line 2"},
	{"merge", "b: &b {x: y}\n<<: *b\n", nil, "line 2: keys must be secret names"},
	{"mapping key", "? [a]\n: x\n", nil, "line 1: keys must be secret names"},
}

func TestParseSecrets(t *testing.T) {
	for _, tt := range secretsTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSecrets([]byte(tt.data))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("parseSecrets error = %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "s3cr3t") {
					t.Errorf("parseSecrets error %q holds a secret value", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(secret{})); diff != "" {
				t.Errorf("parseSecrets (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzSecrets checks that parseSecrets never panics and that its errors
// never quote the file: a value made of a marker must not come back.
func FuzzSecrets(f *testing.F) {
	for _, tt := range secretsTests {
		f.Add(tt.data)
	}
	f.Fuzz(func(t *testing.T, data string) {
		const marker = "zq7xw"
		data = strings.ReplaceAll(data, marker, "")
		_, err := parseSecrets([]byte(data + "\nk: " + marker + "\n"))
		if err != nil && strings.Contains(err.Error(), marker) {
			t.Fatalf("parseSecrets error %q quotes a value", err)
		}
	})
}

// No message about a stack quotes a secret's value, whatever goes wrong
// with it.
func TestSecretValuesNotInErrors(t *testing.T) {
	files, _, wants := goldenParts(t, "err_secret_*.txtar")
	for i, want := range wants {
		if strings.Contains(want, "hunter2") || strings.Contains(want, "do-not-print") {
			t.Errorf("%s: an error quotes a secret value:\n%s", files[i], want)
		}
	}
}

type secretsFileTest struct {
	name    string
	opt     func(stackDir, otherDir string) string // the SecretsFile option
	place   string                                 // "stack", "sub" or "other": where the file is
	wantErr string                                 // a substring; "" when the plan loads
}

var secretsFileTests = []secretsFileTest{
	{"default", func(string, string) string { return "" }, "stack", ""},
	{"relative", func(string, string) string { return "conf/s.yaml" }, "sub", ""},
	{"absolute", func(_, other string) string { return filepath.Join(other, "s.yaml") }, "other", ""},
	{"missing default", func(string, string) string { return "" }, "", "the secrets file secrets.yaml does not exist (without another, Verge reads secrets.yaml beside the stack file)"},
	{"missing relative", func(string, string) string { return "conf/s.yaml" }, "", "the secrets file conf/s.yaml does not exist"},
	{"missing absolute", func(_, other string) string { return filepath.Join(other, "s.yaml") }, "", "/s.yaml does not exist"},
}

// The secrets file is secrets.yaml beside the stack file unless an option
// names another; messages say which file was read.
func TestSecretsFileOption(t *testing.T) {
	const stackFile = "resources:\n  fn:\n    type: function\n    properties:\n      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}\n      environment:\n        - {name: KEY, value: \"$Secret('key')\"}\n"
	for _, tt := range secretsFileTests {
		t.Run(tt.name, func(t *testing.T) {
			dir, other := t.TempDir(), t.TempDir()
			writeFiles(t, dir, map[string]string{FileName: stackFile, "fn.js": ""})
			var secrets string
			switch tt.place {
			case "stack":
				secrets = filepath.Join(dir, SecretsFileName)
			case "sub":
				secrets = filepath.Join(dir, "conf", "s.yaml")
			case "other":
				secrets = filepath.Join(other, "s.yaml")
			}
			if secrets != "" {
				if err := os.MkdirAll(filepath.Dir(secrets), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(secrets, []byte("key: v1\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			plan, err := LoadWith(dir, Options{SecretsFile: tt.opt(dir, other)})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadWith error = %v, want %q", err, tt.wantErr)
				}
				checkErrs(t, err, filepath.Join(dir, FileName))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.Functions["fn"].Environment; !reflect.DeepEqual(got, []EnvVar{{"KEY", "v1"}}) {
				t.Errorf("environment = %v, want KEY=v1", got)
			}
			if plan.SecretsFile != secrets {
				t.Errorf("plan.SecretsFile = %q, want %q", plan.SecretsFile, secrets)
			}
		})
	}
}

// A stack without $Secret reads no secrets file, even a broken one.
func TestNoSecretsNoFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{FileName: minimalStack, SecretsFileName: "[not, a, mapping"})
	plan, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if plan.SecretsFile != "" {
		t.Errorf("plan.SecretsFile = %q, want none", plan.SecretsFile)
	}
}

// Every Ignored property says why it is ignored, and every reason belongs
// to a property.
func TestIgnoredPropertiesDocumented(t *testing.T) {
	ignored := reflect.TypeFor[Ignored]()
	found := map[string]bool{}
	for _, typ := range []reflect.Type{reflect.TypeFor[FunctionProps](), reflect.TypeFor[FunctionLogging](), reflect.TypeFor[EdgeLambdaFunctionProps](), reflect.TypeFor[HTTPAPIGatewayProps](), reflect.TypeFor[LoadBalancerProps](), reflect.TypeFor[EventBusProps](), reflect.TypeFor[IamStatement](),
		reflect.TypeFor[SQSQueueProps](), reflect.TypeFor[SNSTopicProps](), reflect.TypeFor[CfResource](), reflect.TypeFor[CfQueueProps](), reflect.TypeFor[CfTopicProps](), reflect.TypeFor[BucketProps](), reflect.TypeFor[CfStreamProps](),
		reflect.TypeFor[DynamoDBTableProps](), reflect.TypeFor[CfTableProps](), reflect.TypeFor[CfStreamSpecification](), reflect.TypeFor[CfGlobalIndex]()} {
		s := schemaOf(typ)
		for _, f := range s.fields {
			if typ.Field(f.index).Type != ignored {
				continue
			}
			found[f.name] = true
			if ignoredProperties[f.name] == "" {
				t.Errorf("%s.%s is Ignored but has no reason in ignoredProperties", typ.Name(), f.name)
			}
		}
	}
	for name := range ignoredProperties {
		if !found[name] {
			t.Errorf("ignoredProperties has %q, which is no Ignored property", name)
		}
	}
}

// Every Rejected property says why it is rejected, every reason belongs to
// a property, and a rejected key is never listed as allowed.
func TestRejectedPropertiesDocumented(t *testing.T) {
	found := map[string]bool{}
	for _, typ := range []reflect.Type{reflect.TypeFor[EdgeLambdaFunctionProps](), reflect.TypeFor[CognitoAuthorizerProps]()} {
		s := schemaOf(typ)
		for _, f := range s.fields {
			if typ.Field(f.index).Type != rejectedType {
				continue
			}
			found[f.name] = true
			if rejectedProperties[f.name] == "" {
				t.Errorf("%s.%s is Rejected but has no reason in rejectedProperties", typ.Name(), f.name)
			}
			if slices.Contains(s.names, f.name) {
				t.Errorf("%s.%s is Rejected but listed as allowed", typ.Name(), f.name)
			}
		}
	}
	for name := range rejectedProperties {
		if !found[name] {
			t.Errorf("rejectedProperties has %q, which is no Rejected property", name)
		}
	}
}
