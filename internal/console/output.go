package console

import (
	"strings"
	"time"
)

// Line writes one line of a function's log (functions.Tap). Lambda's own
// START and END lines and the runtime's echo of an error that Failed
// reports are left out; REPORT is shortened.
func (c *Console) Line(function, line string) {
	if c.o.Quiet {
		return
	}
	now := c.o.Now()
	l := parseLine(line)
	if l.hidden {
		return
	}
	if c.o.Format == FormatJSON {
		c.send(c.o.Out, c.jsonOutput(now, function, l))
		return
	}
	w := c.nameWidth(function)
	var b []byte
	for i, msg := range strings.Split(l.message, "\n") {
		if i == 0 && l.level != "" && l.level != "INFO" {
			msg = c.paint(levelColor(l.level), l.level) + " " + msg
		}
		b = append(b, c.prefix(now, function, w, '|')...)
		b = append(b, msg...)
		b = append(b, '\n')
	}
	c.send(c.o.Out, b)
}

// Failed writes a function's error: its type and message, then its stack
// one frame a line (functions.Tap).
func (c *Console) Failed(function, errorType, message string, stack []string) {
	now := c.o.Now()
	if c.o.Format == FormatJSON {
		c.send(c.o.Out, c.jsonError(now, function, errorType, message, stack))
		return
	}
	w := c.nameWidth(function)
	head := message
	if errorType != "" {
		head = errorType + ": " + message
	}
	b := c.prefix(now, function, w, '|')
	b = append(b, c.paint(ansiRed+ansiBold, "ERROR")...)
	b = append(b, ' ')
	b = append(b, c.paint(ansiRed, head)...)
	b = append(b, '\n')
	for _, frame := range stackLines(stack, head) {
		b = append(b, c.prefix(now, function, w, '|')...)
		b = append(b, c.paint(ansiRed, frame)...)
		b = append(b, '\n')
	}
	c.send(c.o.Out, b)
}

// stackLines splits the frames into lines (Python's hold a frame and its
// source line), drops a first line that repeats head (Node's stack starts
// with "Error: message") and the frames of the runtime itself, which say
// nothing about the developer's code.
func stackLines(stack []string, head string) []string {
	var out []string
	for i, f := range stack {
		f = strings.TrimRight(f, "\n")
		if i == 0 && strings.TrimSpace(f) == head || runtimeFrame(f) {
			continue
		}
		for l := range strings.SplitSeq(f, "\n") {
			switch t := strings.TrimSpace(l); {
			case t == "":
			case strings.HasPrefix(t, "at "): // Node's, indented four
				out = append(out, "  "+t)
			default: // Python's, indented as the traceback shows them
				out = append(out, l)
			}
		}
	}
	return out
}

// runtimeFrame reports whether a stack frame is in Verge's runtime
// bootstrap or in node's internals.
func runtimeFrame(f string) bool {
	for _, s := range runtimeFrames {
		if strings.Contains(f, s) {
			return true
		}
	}
	return false
}

// A logLine is a function's log line taken apart.
type logLine struct {
	hidden    bool
	requestID string
	level     string // INFO, WARN, ERROR…; "" when the line has none
	message   string // with the runtime's "\r" line breaks as "\n"
}

// parseLine recognises the shapes the runtimes write: Node's
// "TIME\tREQUEST-ID\tLEVEL\tMESSAGE", Python's
// "[LEVEL]\tTIME\tREQUEST-ID\tMESSAGE", and Lambda's START, END and REPORT
// lines; anything else is a message as is.
func parseLine(s string) logLine {
	s = strings.TrimRight(s, "\r\n")
	switch {
	case strings.HasPrefix(s, "START RequestId: "), strings.HasPrefix(s, "END RequestId: "):
		return logLine{hidden: true}
	case strings.HasPrefix(s, "REPORT RequestId: "):
		return report(s)
	}
	l := logLine{message: s}
	if f := strings.SplitN(s, "\t", 4); len(f) == 4 && isTimestamp(f[0]) {
		l.requestID, l.level, l.message = f[1], f[2], f[3]
	} else if len(f) == 4 && strings.HasPrefix(f[0], "[") && strings.HasSuffix(f[0], "]") && isTimestamp(f[1]) {
		l.level, l.requestID, l.message = strings.Trim(f[0], "[]"), f[2], f[3]
	}
	if l.level == "ERROR" && (strings.HasPrefix(l.message, "Invoke Error \t{") || strings.HasPrefix(l.message, "Init Error \t{")) {
		l.hidden = true // Node's echo of what Failed reports
	}
	if strings.HasPrefix(s, "[ERROR] ") && strings.Contains(s, "\rTraceback (most recent call last):") {
		l.hidden = true // Python's
	}
	if l.requestID == "undefined" {
		l.requestID = "" // Node's, during init
	}
	l.message = strings.ReplaceAll(l.message, "\r", "\n")
	return l
}

// isTimestamp reports whether s looks like an RFC 3339 time.
func isTimestamp(s string) bool {
	return len(s) >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':'
}

// report shortens Lambda's REPORT line to what a developer looks at:
// "REPORT 1.20 ms, cold start 110.52 ms, 45 of 128 MB".
func report(s string) logLine {
	fields := map[string]string{}
	for f := range strings.SplitSeq(s, "\t") {
		if k, v, ok := strings.Cut(f, ": "); ok {
			fields[k] = v
		}
	}
	msg := "REPORT " + fields["Duration"]
	if d := fields["Init Duration"]; d != "" {
		msg += ", cold start " + d
	}
	if used, size := fields["Max Memory Used"], fields["Memory Size"]; used != "" {
		msg += ", " + strings.TrimSuffix(used, " MB") + " of " + size
	}
	level := ""
	if st := fields["Status"]; st != "" {
		msg += ", " + st
		if t := fields["Error Type"]; t != "" {
			msg += " (" + t + ")"
		}
		level = "ERROR"
	}
	return logLine{requestID: fields["REPORT RequestId"], level: level, message: msg}
}

// prefix starts a text line: the time, the name padded to width, and sep.
func (c *Console) prefix(t time.Time, name string, width int, sep byte) []byte {
	b := make([]byte, 0, 64)
	b = append(b, c.paint(ansiDim, t.Format(timeLayout))...)
	b = append(b, ' ')
	b = append(b, c.paint(nameColor(name), name)...)
	for i := len(name); i < width; i++ {
		b = append(b, ' ')
	}
	b = append(b, ' ', sep, ' ')
	return b
}

// textLine is one plain line of Verge's own, its name column c.width wide;
// c.mu is held.
func (c *Console) textLine(t time.Time, name string, sep byte, msg string) []byte {
	b := c.prefix(t, name, c.width, sep)
	return append(append(b, msg...), '\n')
}

// paint wraps s in an ANSI colour when colours are on.
func (c *Console) paint(color, s string) string {
	if !c.o.Color || color == "" || s == "" {
		return s
	}
	return color + s + ansiReset
}

// nameColor picks a name's colour from the palette (FNV-1a of the name).
func nameColor(name string) string {
	if name == vergeName {
		return ansiBold
	}
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	return palette[h%uint32(len(palette))]
}

// levelColor colours a log level.
func levelColor(level string) string {
	switch level {
	case "ERROR", "FATAL":
		return ansiRed
	case "WARN", "WARNING":
		return ansiYellow
	}
	return ansiDim
}
