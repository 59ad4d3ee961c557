package alb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata with the current output")

// goldenTarget is the target section of a golden file.
type goldenTarget struct {
	ARN          string `json:"arn"`
	MultiValue   bool   `json:"multiValueHeaders"`
	ListenerPort int    `json:"listenerPort"`
	RemoteAddr   string `json:"remoteAddr"`
}

func (g goldenTarget) target() Target {
	return Target{ARN: g.ARN, MultiValueHeaders: g.MultiValue, ListenerPort: g.ListenerPort,
		TraceID: fixedID("1-00000000-000000000000000000000000")}
}

// TestGoldenEvents builds events: sections target (optional), request (raw
// HTTP/1.1, LF line ends allowed), event.
func TestGoldenEvents(t *testing.T) {
	golden.Run(t, "events", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		var g goldenTarget
		golden.JSON(t, a, "target", &g)
		raw, ok := golden.Section(a, "request")
		if !ok {
			t.Fatal("no request section")
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			t.Fatal(err)
		}
		r.RemoteAddr = g.RemoteAddr
		if r.RemoteAddr == "" {
			r.RemoteAddr = "203.0.113.7:41000"
		}
		ev, err := NewEvent(r, g.target())
		if err != nil {
			return "event", fmt.Sprintf("error %d", StatusOf(err))
		}
		decodeEvent(t, ev)
		var out bytes.Buffer
		if err := json.Indent(&out, ev, "", "  "); err != nil {
			t.Fatal(err)
		}
		return "event", out.String()
	})
}

// TestGoldenResponses maps results: sections target (optional), result,
// response (status line, sorted headers, body; or the error status).
func TestGoldenResponses(t *testing.T) {
	golden.Run(t, "responses", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		var g goldenTarget
		golden.JSON(t, a, "target", &g)
		result, ok := golden.Section(a, "result")
		if !ok {
			t.Fatal("no result section")
		}
		w := httptest.NewRecorder()
		resp, err := ParseResponse([]byte(strings.TrimSpace(result)), g.target())
		if err != nil {
			WriteError(w, StatusOf(err))
		} else {
			resp.Write(w)
		}
		var out bytes.Buffer
		fmt.Fprintf(&out, "%d\n", w.Code)
		if err := w.Header().Write(&out); err != nil {
			t.Fatal(err)
		}
		out.WriteString("\n")
		if body := w.Body.Bytes(); utf8.Valid(body) {
			out.Write(body)
		} else {
			out.WriteString(strconv.Quote(string(body)))
		}
		return "response", strings.ReplaceAll(out.String(), "\r\n", "\n")
	})
}
