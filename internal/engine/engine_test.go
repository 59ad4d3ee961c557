package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// stackYAML is a stack with a part of every kind: a CDN over a bucket
// folder, an HTTP API with a node function, a schedule and, when listen is
// given, the API's own address. VERSION tells the plans apart.
const stackYAML = `resources:
  site:
    type: bucket
    properties:
      directory: ./VERSION
      cdn: {enabled: true}
  api:
    type: http-api-gateway
    properties: {LISTEN}
  hello:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/VERSION.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: /VERSION, method: GET}
        - type: schedule
          properties: {scheduleRate: rate(1 day)}
`

// writeStack writes the stack of version v in dir (both versions' files
// stay, so either plan can run) and loads it.
func writeStack(t *testing.T, dir, v, listen string) *stack.Plan {
	t.Helper()
	y := strings.ReplaceAll(stackYAML, "VERSION", v)
	if listen != "" {
		y = strings.Replace(y, "{LISTEN}", "{listen: '"+listen+"'}", 1)
	} else {
		y = strings.Replace(y, "{LISTEN}", "{}", 1)
	}
	files := map[string]string{
		"verge.yaml":      y,
		v + "/index.html": v,
		"fn/" + v + ".js": fmt.Sprintf("exports.handler = async () => ({statusCode: 200, body: %q});\n", v),
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(body), 0o644))
	}
	plan, err := stack.Load(dir)
	must(t, err)
	return plan
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, data string) *Engine {
	t.Helper()
	e, err := Open(Options{Data: data, CacheMemory: 8 << 20, Retry: []time.Duration{time.Second}})
	must(t, err)
	must(t, e.Listen("127.0.0.1:0", "127.0.0.1:0"))
	return e
}

// serveStack writes files (verge.yaml among them) into a new folder, and
// runs that stack on an engine with the admin token "tok" on loopback
// ports until the test ends; o's Data and Token are set here.
func serveStack(t *testing.T, files map[string]string, o Options) (e *Engine, dir string) {
	t.Helper()
	dir = t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(body), 0o644))
	}
	plan, err := stack.Load(dir)
	must(t, err)
	o.Data, o.Token = filepath.Join(dir, ".verge"), "tok"
	o.CacheMemory = cmp.Or(o.CacheMemory, 8<<20)
	e, err = Open(o)
	must(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.Close(ctx)
	})
	must(t, e.Listen("127.0.0.1:0", "127.0.0.1:0"))
	res, err := e.Apply(context.Background(), plan)
	must(t, err)
	must(t, res.Problems)
	return e, dir
}

func get(t *testing.T, url, host string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Host = host
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// running reports what each part serves: the edge's page, the function
// behind the API's route of that version, the schedule's rule.
func running(t *testing.T, e *Engine, v string) {
	t.Helper()
	viewer, _ := e.Addrs()
	if code, body := get(t, "http://"+viewer+"/", "site.localhost"); code != 200 || body != v {
		t.Errorf("edge: %d %q, want %q", code, body, v)
	}
	if code, body := get(t, "http://"+viewer+"/"+v, "api.localhost"); code != 200 || body != v {
		t.Errorf("gateway and function: %d %q, want %q", code, body, v)
	}
	if _, ok := e.events.NextTimes()["hello-schedule-1"]; !ok {
		t.Errorf("schedules: %v", e.events.NextTimes())
	}
	if got := e.Plan().Functions["hello"].Package.EntryFile; !strings.HasSuffix(got, v+".js") {
		t.Errorf("plan: %s", got)
	}
}

// failing is a part whose Prepare fails.
type failing struct{ Part }

var errBroken = errors.New("broken on purpose")

func (failing) Prepare(context.Context, *stack.Plan) (Change, error) { return nil, errBroken }

// TestApplyAllOrNothing breaks each part in turn: the apply fails naming
// the part, and every part still runs the previous plan; the next good
// apply takes everywhere.
func TestApplyAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	e := open(t, filepath.Join(dir, ".verge"))
	defer e.Close(context.Background())
	v1 := writeStack(t, dir, "v1", "")
	res, err := e.Apply(context.Background(), v1)
	must(t, err)
	must(t, res.Problems)
	running(t, e, "v1")

	v2 := writeStack(t, dir, "v2", "")
	for i := range e.parts.list {
		name := e.parts.list[i].name
		t.Run(name, func(t *testing.T) {
			real := e.parts.list[i].Part
			e.parts.list[i].Part = failing{real}
			defer func() { e.parts.list[i].Part = real }()
			_, err := e.Apply(context.Background(), v2)
			if !errors.Is(err, errBroken) || !strings.Contains(err.Error(), name) {
				t.Fatalf("apply: %v, want an error naming %q", err, name)
			}
			running(t, e, "v1")
		})
	}
	t.Run("a door's address in use", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		defer ln.Close()
		bad := writeStack(t, dir, "v2", ln.Addr().String())
		_, err = e.Apply(context.Background(), bad)
		if err == nil || !strings.Contains(err.Error(), "address already in use") {
			t.Fatalf("apply: %v", err)
		}
		running(t, e, "v1")
	})
	_, err = e.Apply(context.Background(), v2)
	must(t, err)
	running(t, e, "v2")
}

// TestDoorsFollowThePlan: a listen address opens with the plan that gives
// it, moves when it changes and closes when it goes.
func TestDoorsFollowThePlan(t *testing.T) {
	dir := t.TempDir()
	e := open(t, filepath.Join(dir, ".verge"))
	defer e.Close(context.Background())
	for _, addr := range []string{freeAddr(t), freeAddr(t), ""} {
		_, err := e.Apply(context.Background(), writeStack(t, dir, "v1", addr))
		must(t, err)
		if addr == "" {
			if d := e.Doors(); len(d) != 0 {
				t.Fatalf("doors after removal: %v", d)
			}
			continue
		}
		if code, body := get(t, "http://"+addr+"/v1", ""); code != 200 || body != "v1" {
			t.Errorf("door %s: %d %q", addr, code, body)
		}
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// TestOneEnginePerDataFolder: a second engine on the folder is refused
// with the holder's PID; after Close the folder is free.
func TestOneEnginePerDataFolder(t *testing.T) {
	data := t.TempDir()
	e, err := Open(Options{Data: data})
	must(t, err)
	_, err = Open(Options{Data: data})
	want := fmt.Sprintf("the data folder %s is in use by PID %d", data, os.Getpid())
	if !errs.Is(errs.Exist, err) || !strings.Contains(err.Error(), want) {
		t.Fatalf("second Open: %v, want %q", err, want)
	}
	must(t, e.Close(context.Background()))
	e, err = Open(Options{Data: data})
	must(t, err)
	must(t, e.Close(context.Background()))
}

// TestCloseLeavesNothing: after Close no listener answers, no sandbox
// process runs and (TestMain) no goroutine is left.
func TestCloseLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	e := open(t, filepath.Join(dir, ".verge"))
	door := freeAddr(t)
	_, err := e.Apply(context.Background(), writeStack(t, dir, "v1", door))
	must(t, err)
	running(t, e, "v1")
	viewer, admin := e.Addrs()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, e.Close(ctx))
	for _, addr := range []string{viewer, admin, door} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections", addr)
		}
	}
	if pids := children(t); len(pids) != 0 {
		t.Errorf("processes left: %v", pids)
	}
	if _, err := e.Apply(context.Background(), e.Plan()); !errs.Is(errs.Unavailable, err) {
		t.Errorf("apply after close: %v", err)
	}
}

// children lists this process's child processes.
func children(t *testing.T) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/children", os.Getpid()))
	if err != nil {
		t.Skipf("cannot list children: %v", err)
	}
	return strings.Fields(string(b))
}
