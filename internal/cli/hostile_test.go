package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/sandbox"
)

// hostileStack runs functions that attack the node, beside a site and a
// victim function that must keep working.
const hostileStack = `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn: {enabled: true}
  victim:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/victim.js}}
  fresh:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/fresh.js}}
  admin:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/admin.js}}
  bootstrap:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/bootstrap.js}}
  buffers:
    type: function
    properties:
      memory: 128
      timeout: 30
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/buffers.js}}
  flood:
    type: function
    properties:
      timeout: 60
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/flood.js}}
  mounts:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: py/mounts.py}}
  snoop:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: snoop/snoop.py}}
  forks:
    type: function
    properties:
      timeout: 60
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: forks/forks.py}}
`

var hostileFiles = map[string]string{
	"public/index.html": "site",
	"fn/victim.js":      `exports.handler = async () => 'fine';`,
	"fn/fresh.js":       `exports.handler = async () => 'fresh';`,
	// Drives the admin API as the attacker did: no credentials.
	"fn/admin.js": `exports.handler = async (e) => {
  const out = {};
  for (const [name, method, path, body] of [
    ['purge', 'POST', '/invalidations', '{"paths":["/*"]}'],
    ['invoke', 'POST', '/2015-03-31/functions/victim/invocations', '{}'],
    ['logs', 'GET', '/logs?group=/aws/lambda/victim', undefined],
    ['events', 'POST', '/', '{"Entries":[]}'],
  ]) {
    const r = await fetch('http://' + e.admin + path, {method, body, headers: {'X-Amz-Target': 'AWSEvents.PutEvents'}});
    out[name] = r.status;
  }
  return out;
};`,
	// Rewrites the bootstrap every sandbox runs, keeping its size.
	"fn/bootstrap.js": `const fs = require('fs');
exports.handler = async () => {
  const p = process.env.LAMBDA_RUNTIME_DIR + '/bootstrap.cjs';
  try {
    const n = fs.statSync(p).size, evil = "console.log('PWNED'); process.exit(7);";
    try { fs.chmodSync(p, 0o644); } catch (e) {}
    fs.writeFileSync(p, evil + ' '.repeat(n - evil.length));
    return 'wrote';
  } catch (e) { return 'refused ' + e.code; }
};`,
	// 2 GB of Buffers, outside V8's heap, at memory: 128.
	"fn/buffers.js": `exports.handler = async () => {
  const a = [];
  for (let i = 0; i < 40; i++) { a.push(Buffer.alloc(50 << 20, 1)); await new Promise(r => setTimeout(r, 5)); }
  return a.length;
};`,
	// 64 MB of output as fast as it can.
	"fn/flood.js": `exports.handler = async () => {
  const line = 'x'.repeat(1 << 16);
  for (let i = 0; i < 1024; i++) process.stdout.write(line + '\n');
  return 'flooded';
};`,
	// Unmounts its private /tmp to see the host's, and the like.
	"py/mounts.py": `import ctypes
libc = ctypes.CDLL(None, use_errno=True)
def rc(r):
    return 0 if r == 0 else ctypes.get_errno()
def handler(event, context):
    return {"umount": rc(libc.umount2(b"/tmp", 2)), "unshare": rc(libc.unshare(0x10000000 | 0x00020000)),
            "ptrace": rc(libc.ptrace(0, 0, None, None))}
`,
	// Looks for what the attacker read and wrote: the stack's
	// secrets, Verge's data folder and token, the host's /proc and Verge's
	// process, a root-owned 0400 file, its own task root.
	"snoop/snoop.py": `import errno, os
def attempt(f):
    try:
        f()
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
def write(p):
    with open(p, "w") as f:
        f.write("pwned")
def handler(e, context):
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    return {
        "uid": os.getuid(), "euid": os.geteuid(),
        "secrets": attempt(lambda: open(e["stack"] + "/secrets.yaml").read()),
        "stackdir": sorted(os.listdir(e["stack"])) if os.path.isdir(e["stack"]) else [],
        "token": attempt(lambda: open(e["data"] + "/admin-token").read()),
        "rootfile": attempt(lambda: write(e["rootfile"])),
        "taskroot": attempt(lambda: write(os.environ["LAMBDA_TASK_ROOT"] + "/index.py")),
        "bootstrap": attempt(lambda: write(os.environ["LAMBDA_RUNTIME_DIR"] + "/bootstrap.py")),
        "verge": attempt(lambda: os.kill(e["verge"], 0)),
        "hostproc": str(e["verge"]) in pids,
        "procs": len(pids),
        "etcshadow": attempt(lambda: open("/etc/shadow").read()),
        "tmp": attempt(lambda: write("/tmp/mine")),
        "root": attempt(lambda: write("/evil")),
    }
`,
	// Starts processes until the kernel says no: Lambda allows 1,024.
	// posix_spawn (vfork) rather than fork: a fork of Python takes 18 ms here.
	"forks/forks.py": `import os, signal
def handler(e, context):
    kids, err = [], ""
    for _ in range(1500):
        try:
            kids.append(os.posix_spawn("/bin/sleep", ["sleep", "60"], {}))
        except OSError as ex:
            err = ex.strerror
            break
    for pid in kids:
        os.kill(pid, signal.SIGKILL)
    for pid in kids:
        os.waitpid(pid, 0)
    return {"forked": len(kids), "error": err}
`,
}

// TestHostileFunctions runs each attack of issue #12 that Verge now stops,
// with real functions in a real Verge, and checks after each that the node
// still serves its site and its other functions.
func TestHostileFunctions(t *testing.T) {
	dir := stackDir(t, hostileStack)
	writeFiles(t, dir, hostileFiles)
	v := start(t, "dev", dir)
	data := filepath.Join(dir, ".verge")
	invoke := func(name, payload string) (int, string, string) {
		return run(t, "invoke", name, "--admin", v.admin, "--data", data, "--payload", payload)
	}
	healthy := func(t *testing.T) {
		t.Helper()
		if resp, body := fetch(t, "GET", "http://"+v.listen+"/", nil); resp.StatusCode != http.StatusOK || body != "site" {
			t.Errorf("site after the attack: %d %q", resp.StatusCode, body)
		}
		if code, out, stderr := invoke("victim", "{}"); code != 0 || !strings.Contains(out, `"fine"`) {
			t.Errorf("victim after the attack: %d %q %q", code, out, stderr)
		}
	}
	for _, c := range []struct {
		name, fn, payload string
		check             func(t *testing.T, code int, out, stderr string)
	}{
		{"the admin API without credentials", "admin", `{"admin":"` + v.admin + `"}`, func(t *testing.T, code int, out, _ string) {
			var got map[string]int
			if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 4 {
				t.Fatalf("%d %q", code, out)
			}
			for op, status := range got {
				if status != http.StatusUnauthorized && status != http.StatusForbidden && status != http.StatusBadRequest {
					t.Errorf("%s: %d, want refused", op, status)
				}
			}
		}},
		{"a rewritten bootstrap", "bootstrap", `{}`, func(t *testing.T, code int, out, stderr string) {
			t.Logf("the function's attempt: %s", out)
			// A function started now must run the real bootstrap.
			if code, out, stderr := invoke("fresh", "{}"); code != 0 || !strings.Contains(out, `"fresh"`) {
				t.Errorf("a cold start after the rewrite: %d %q %q", code, out, stderr)
			}
		}},
		{"2 GB of Buffers at memory 128", "buffers", `{}`, func(t *testing.T, code int, out, stderr string) {
			if code != 1 || !strings.Contains(out+stderr, "Runtime.OutOfMemory") {
				t.Errorf("%d %q %q; want Runtime.OutOfMemory", code, out, stderr)
			}
		}},
		{"64 MB of output", "flood", `{}`, func(t *testing.T, code int, out, stderr string) {
			if code != 0 {
				t.Errorf("%d %q %q", code, out, stderr)
			}
			_, logs, _ := run(t, "logs", "flood", "--admin", v.admin, "--data", data)
			if !strings.Contains(logs, "END RequestId") || len(logs) > 12<<20 {
				t.Errorf("the flood logged %d bytes, want at most about 8 MiB", len(logs))
			}
		}},
		{"unmount /tmp, unshare, ptrace", "mounts", `{}`, func(t *testing.T, code int, out, stderr string) {
			if code != 0 || out == "" || strings.Count(out, ": 1") != 3 {
				t.Errorf("%d %q %q; want EPERM (1) for each", code, out, stderr)
			}
		}},
		{"the host's files, processes and Verge", "snoop", snoopEvent(t, dir, data), checkSnoop},
		{"1,500 processes", "forks", `{}`, func(t *testing.T, code int, out, stderr string) {
			var got struct {
				Forked int
				Error  string
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
				t.Fatalf("%d %q %q", code, out, stderr)
			}
			if got.Forked >= 1024 || got.Forked < 900 || got.Error == "" {
				t.Errorf("forked %d (%q), want the 1,024-process limit to stop it", got.Forked, got.Error)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := invoke(c.fn, c.payload)
			c.check(t, code, out, stderr)
			healthy(t)
		})
	}
}

// snoopEvent tells the snoop function where the secrets are: a stack's
// secrets file, the data folder, a root-owned 0400 file and Verge's pid.
func snoopEvent(t *testing.T, dir, data string) string {
	if err := os.WriteFile(filepath.Join(dir, "secrets.yaml"), []byte("key: s3cr3t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rootFile := filepath.Join(t.TempDir(), "root-only")
	if err := os.WriteFile(rootFile, []byte("mine"), 0o400); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"stack": dir, "data": data, "rootfile": rootFile, "verge": os.Getpid()})
	return string(b)
}

// checkSnoop asserts that nothing of the host was in reach.
func checkSnoop(t *testing.T, code int, out, stderr string) {
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
		t.Fatalf("%d %q %q", code, out, stderr)
	}
	t.Logf("snoop: %s", out)
	m := sandbox.Mechanisms()
	want := map[string]any{"tmp": "ok", "verge": "ESRCH", "hostproc": false}
	if m.Root {
		// The stack folder is only the path to the data folder's builds.
		for k, v := range map[string]any{"secrets": "ENOENT", "stackdir": []any{".verge"}, "token": "ENOENT", "rootfile": "ENOENT", "root": "EROFS"} {
			want[k] = v
		}
	}
	if m.OwnUIDs {
		want["uid"], want["euid"], want["etcshadow"] = 993.0, 993.0, "EACCES"
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
	for _, k := range []string{"taskroot", "bootstrap"} {
		if got[k] == "ok" {
			t.Errorf("%s: the function wrote into it", k)
		}
	}
	if n, _ := got["procs"].(float64); n > 10 {
		t.Errorf("the function sees %v processes, want its own few", n)
	}
}
