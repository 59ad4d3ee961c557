package console

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files' expected sections with the current output")

// clock is the fixed time of every golden line.
var clock = time.Date(2026, 12, 6, 10, 0, 0, 123e6, time.UTC)

// A call is one line of a golden file's calls section: one method call.
type call struct {
	Line *struct {
		Function, Text string
	}
	Failed *struct {
		Function, Type, Message string
		Stack                   []string
	}
	Request *Request
	Summary *Summary
	Log     *struct {
		Level, Msg string
		Attrs      [][2]string
	}
}

// replay makes the calls of a's calls section on a Console made with o and
// returns what it wrote.
func replay(t *testing.T, a *txtar.Archive, o Options) string {
	t.Helper()
	src, ok := golden.Section(a, "calls")
	if !ok {
		t.Fatal("no calls section")
	}
	var out bytes.Buffer
	o.Out, o.Now = &out, func() time.Time { return clock }
	c := New(o)
	log := slog.New(c.Handler(slog.LevelInfo))
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var k call
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&k); err != nil {
			t.Fatalf("call %s: %v", sc.Text(), err)
		}
		switch {
		case k.Line != nil:
			c.Line(k.Line.Function, k.Line.Text)
		case k.Failed != nil:
			c.Failed(k.Failed.Function, k.Failed.Type, k.Failed.Message, k.Failed.Stack)
		case k.Request != nil:
			c.Request(*k.Request)
		case k.Summary != nil:
			c.Summary(*k.Summary)
		case k.Log != nil:
			var lv slog.Level
			must(t, lv.UnmarshalText([]byte(k.Log.Level)))
			var args []any
			for _, kv := range k.Log.Attrs {
				args = append(args, kv[0], kv[1])
			}
			log.Log(t.Context(), lv, k.Log.Msg, args...)
		}
	}
	c.Close()
	return out.String()
}

// TestGolden checks each format against testdata/format: sections text,
// color, quiet and json hold what the calls write.
func TestGolden(t *testing.T) {
	for name, o := range map[string]Options{
		"text":  {},
		"color": {Color: true},
		"quiet": {Quiet: true},
		"json":  {Format: FormatJSON},
	} {
		t.Run(name, func(t *testing.T) {
			golden.Run(t, "format", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
				got := replay(t, a, o)
				if o.Color {
					got = strings.ReplaceAll(got, "\x1b", "ESC") // readable, and kept by txtar
				}
				return name, got
			})
		})
	}
}

// TestJSONParses checks that every JSON line parses back with its time and
// type, and that the values survive (quotes, newlines, control bytes).
func TestJSONParses(t *testing.T) {
	var out bytes.Buffer
	c := New(Options{Out: &out, Format: FormatJSON})
	msg := "a \"quoted\"\tline\rwith\x01control"
	c.Line("fn", "2026-12-06T10:00:00.000Z\tid-1\tINFO\t"+msg)
	c.Failed("fn", "Error", "bad \"news\"", []string{"Error: bad", "    at x (/f.js:1:2)"})
	c.Request(Request{Time: clock, Method: "GET", Host: "h", Path: "/p\"", Status: 200, Result: "Hit", Duration: 1500 * time.Microsecond})
	slog.New(c.Handler(slog.LevelInfo)).Info("hi", "n", 3, "ok", true, "d", time.Second)
	c.Close()
	var lines []map[string]any
	for l := range strings.Lines(out.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, m["time"].(string)); err != nil || m["type"] == "" {
			t.Errorf("%q: no time or type", l)
		}
		lines = append(lines, m)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines; want 4:\n%s", len(lines), out.String())
	}
	if got := lines[0]["message"]; got != strings.ReplaceAll(msg, "\r", "\n") || lines[0]["requestId"] != "id-1" {
		t.Errorf("output %v", lines[0])
	}
	if lines[1]["errorMessage"] != "bad \"news\"" || len(lines[1]["stackTrace"].([]any)) != 2 {
		t.Errorf("error %v", lines[1])
	}
	if lines[2]["path"] != "/p\"" || lines[2]["status"] != 200.0 || lines[2]["durationMs"] != 1.5 {
		t.Errorf("request %v", lines[2])
	}
	if lines[3]["n"] != 3.0 || lines[3]["ok"] != true || lines[3]["d"] != "1s" || lines[3]["level"] != "INFO" {
		t.Errorf("log %v", lines[3])
	}
}

// TestColorful checks when colours are on: a terminal, without NO_COLOR
// or TERM=dumb; never a file or a buffer.
func TestColorful(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	must(t, err)
	defer f.Close()
	if Colorful(&bytes.Buffer{}, env()) || Colorful(f, env()) {
		t.Error("a buffer or a file is colourful")
	}
	tty := openPTY(t)
	if !Colorful(tty, env()) {
		t.Error("a terminal is not colourful")
	}
	if Colorful(tty, env("NO_COLOR", "1")) || Colorful(tty, env("TERM", "dumb")) {
		t.Error("NO_COLOR or TERM=dumb left colours on")
	}
}

// openPTY opens a pseudo-terminal's follower side, or skips the test.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals:", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skip("unlockpt:", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skip("ptsname:", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skip("opening the terminal:", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDrops checks that a Console whose writer is stuck drops lines
// rather than block, and says how many.
func TestDrops(t *testing.T) {
	w := &stuck{release: make(chan struct{})}
	c := New(Options{Out: w})
	done := make(chan struct{})
	go func() {
		for range queueLen + 100 {
			c.Line("fn", "x")
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Line blocked on a stuck terminal")
	}
	close(w.release)
	c.Line("fn", "after")
	c.Close()
	if !strings.Contains(w.b.String(), " lines dropped: the terminal did not keep up") {
		t.Errorf("no drop note in %d bytes", w.b.Len())
	}
}

// stuck is a writer that blocks until release.
type stuck struct {
	release chan struct{}
	b       bytes.Buffer
}

func (s *stuck) Write(p []byte) (int, error) {
	<-s.release
	return s.b.Write(p)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
