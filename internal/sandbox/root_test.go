package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBoundary runs a sandbox that looks around, as a hostile function
// would: it must be its own user, see only its root, write only to /tmp
// and its devices, see only its own processes, and stop at 1,024 of them.
func TestBoundary(t *testing.T) {
	m := Mechanisms()
	if !m.Root {
		t.Skipf("no minimal root here: %s", m.RootError)
	}
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cr3t"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := `id -u; id -g; ls /; echo; cat ` + secret + ` 2>&1 | grep -c s3cr3t; touch ` + dir + `/x 2>/dev/null && echo wrote-taskroot;
ls /proc | grep -c '^[0-9]'; grep 'Max processes' /proc/self/limits | tr -s ' ' | cut -d' ' -f3;
echo hi > /dev/null && echo devnull; touch /tmp/t && echo tmp; touch /x 2>/dev/null || echo ro-root`
	var out buffer
	p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", script}, Dir: dir, Stdout: &out, Stderr: &out})
	wait(t, p)
	ids, rest, _ := strings.Cut(out.String(), "\n\n")
	want := "993\n990"
	if !m.OwnUIDs {
		want = "0\n0"
	}
	lines := strings.Split(ids, "\n")
	if len(lines) < 2 || strings.Join(lines[:2], "\n") != want {
		t.Fatalf("ids: %q, want %q", lines, want)
	}
	for _, name := range lines[2:] {
		if !slices.Contains([]string{"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "dev", "proc", "tmp", "root"}, name) {
			t.Errorf("/ holds %q: not part of a minimal root (%q)", name, lines[2:])
		}
	}
	// The secret unseen, no write into the task root, the pipeline's 3
	// processes and no other, Lambda's process limit, the devices and /tmp
	// writable, / not.
	if got, want := strings.Fields(rest), []string{"0", "3", "1024", "devnull", "tmp", "ro-root"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLandlock checks the third wall alone: without the minimal root, a
// folder the sandbox's user could write to is still refused by Landlock.
func TestLandlock(t *testing.T) {
	m := Mechanisms()
	if m.Landlock == 0 || !m.Namespaces {
		t.Skipf("no Landlock here: %s", m.LandlockError)
	}
	for _, c := range []struct {
		name       string
		noLandlock bool
		want       string
	}{{"with", false, "refused"}, {"without", true, "wrote"}} {
		t.Run(c.name, func(t *testing.T) {
			// Outside /tmp: the rules allow everything under the private /tmp.
			dir, err := os.MkdirTemp("/var/tmp", "verge-landlock-")
			if err != nil {
				t.Skip(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			if err := os.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
			var out buffer
			p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", `touch ` + dir + `/x 2>/dev/null && echo wrote || echo refused`},
				Dir: dir, Stdout: &out, Stderr: &out, noRoot: true, noLandlock: c.noLandlock})
			wait(t, p)
			if got := strings.TrimSpace(out.String()); got != c.want {
				t.Errorf("writing into a 0777 folder: %q, want %q", got, c.want)
			}
		})
	}
}

func TestParseSubIDs(t *testing.T) {
	const file = "# comment\nalice:100000:65536\n0:200000:1000\nroot:300000:0\nbob:x:5\nroot:400000:65536\n"
	for _, c := range []struct {
		name, uid string
		want      idRange
		ok        bool
	}{
		{"alice", "1000", idRange{100000, 65536}, true},
		{"root", "0", idRange{200000, 1000}, true}, // by uid, first usable line
		{"bob", "1001", idRange{}, false},
		{"carol", "1002", idRange{}, false},
	} {
		got, ok := parseSubIDs(strings.NewReader(file), c.name, c.uid)
		if got != c.want || ok != c.ok {
			t.Errorf("parseSubIDs(%s) = %v %v, want %v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParseSubIDs(f *testing.F) {
	f.Add("root:100000:65536\n")
	f.Add("0:1:4294967294\nroot::\n")
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := parseSubIDs(strings.NewReader(s), "root", "0")
		if ok && (r.Base <= 0 || r.Count <= 0 || int64(r.Base)+int64(r.Count) > 1<<32-1) {
			t.Errorf("parseSubIDs(%q) = %v: out of range", s, r)
		}
	})
}

func TestIDPool(t *testing.T) {
	p := newIDPool(idRange{5000, 3}, idRange{7000, 4})
	seen := map[int]bool{}
	var slots []int
	for range 3 {
		slot, uid, gid, err := p.take()
		if err != nil {
			t.Fatal(err)
		}
		if uid-5000 != slot || gid-7000 != slot || seen[uid] {
			t.Errorf("slot %d: uid %d gid %d (seen %v)", slot, uid, gid, seen)
		}
		seen[uid] = true
		slots = append(slots, slot)
	}
	if _, _, _, err := p.take(); err == nil {
		t.Error("a fourth uid from a range of three")
	}
	p.give(slots[1])
	if slot, _, _, err := p.take(); err != nil || slot != slots[1] {
		t.Errorf("after give: slot %d %v, want %d", slot, err, slots[1])
	}
}

func TestRootPlan(t *testing.T) {
	task := t.TempDir()
	plan := rootPlan(Spec{Path: "/bin/sh", Dir: task, Paths: []string{task + "/sub", "/usr/lib", t.TempDir()}})
	paths := map[string]rootMount{}
	for _, m := range plan {
		paths[m.Path] = m
	}
	for _, want := range []string{"/usr", "/etc", task, "/dev/null", "/dev/fd"} {
		if _, ok := paths[want]; !ok {
			t.Errorf("plan lacks %s: %v", want, plan)
		}
	}
	for _, inside := range []string{task + "/sub", "/usr/lib"} {
		if _, ok := paths[inside]; ok {
			t.Errorf("plan binds %s, inside another entry", inside)
		}
	}
	if !paths["/dev/null"].Write || paths["/usr"].Write || paths["/dev/fd"].Link != "/proc/self/fd" {
		t.Errorf("entries: %+v %+v %+v", paths["/dev/null"], paths["/usr"], paths["/dev/fd"])
	}
	for _, c := range []struct{ exe, want string }{
		{"/usr/bin/sh", "/usr"},
		{"/root/.pyenv/versions/3.11.7/bin/python3.11", "/root/.pyenv/versions/3.11.7"},
		{"/no/such/exe", ""},
	} {
		if _, err := os.Stat(c.exe); err != nil && c.want != "" {
			continue // not installed here
		}
		if got := installPrefix(c.exe); got != c.want {
			t.Errorf("installPrefix(%s) = %q, want %q", c.exe, got, c.want)
		}
	}
}
