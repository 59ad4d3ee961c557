package logs

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// timeFmt is how Format writes times: UTC, milliseconds, RFC 3339.
const timeFmt = "2006-01-02T15:04:05.000Z07:00"

// The formats of `verge logs --format`, those of `aws logs tail --format`.
const (
	FormatShort    = "short"    // time and message
	FormatDetailed = "detailed" // time, stream and message
	FormatJSON     = "json"     // one JSON object per line, as the admin API sends them
)

// FormatAs renders an event in one of the formats above; ok is false for
// an unknown format.
func FormatAs(format string, ev Event) (line string, ok bool) {
	switch format {
	case FormatShort:
		return FormatShortLine(ev), true
	case FormatDetailed:
		return Format(ev), true
	case FormatJSON:
		b, _ := json.Marshal(wireEvent{Time: ev.Time.UTC(), Stream: ev.Stream, Message: ev.Message})
		return string(b), true
	}
	return "", false
}

// FormatShortLine renders an event as `aws logs tail --format short`
// does: "2026-11-22T10:00:00.123Z MESSAGE", the message as is.
func FormatShortLine(ev Event) string {
	return ev.Time.UTC().Format(timeFmt) + " " + strings.TrimRight(ev.Message, "\r\n")
}

// Format renders an event as `aws logs tail --format detailed` does:
// "2026-11-22T10:00:00.123Z  STREAM  MESSAGE". The message is printed as
// is (tabs, embedded newlines), less a trailing "\r".
func Format(ev Event) string {
	var b strings.Builder
	b.Grow(len(timeFmt) + len(ev.Stream) + len(ev.Message) + 4)
	b.WriteString(ev.Time.UTC().Format(timeFmt))
	b.WriteString("  ")
	b.WriteString(ev.Stream)
	b.WriteString("  ")
	b.WriteString(strings.TrimRight(ev.Message, "\r\n"))
	return b.String()
}

// StreamName returns a new log stream name for a sandbox started at t
// running version, as Lambda names them: "2026/11/22/[$LATEST]" and 32 hex
// digits.
func StreamName(t time.Time, version string) string {
	var id [16]byte
	_, _ = rand.Read(id[:]) // never fails (crypto/rand panics instead)
	return t.UTC().Format("2006/01/02") + "/[" + version + "]" + hex.EncodeToString(id[:])
}
