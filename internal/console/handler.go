package console

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Handler returns an slog.Handler that writes Verge's own messages at level
// and above to Options.Log, in the Console's format and order. In text a
// value with line breaks (a compiler's errors) is written after the
// message, as is, so file:line:col positions stay clickable.
func (c *Console) Handler(level slog.Leveler) slog.Handler {
	return &handler{c: c, level: level}
}

type handler struct {
	c      *Console
	level  slog.Leveler
	attrs  []slog.Attr
	prefix string // the open groups, "a.b."
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	if h.c.o.Quiet && l < slog.LevelError {
		return false
	}
	return l >= h.level.Level()
}

func (h *handler) Handle(_ context.Context, r slog.Record) error {
	attrs := append([]slog.Attr(nil), h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, h.flatten(h.prefix, a)...)
		return true
	})
	t := h.c.o.Now() // Options.Now rather than the record's, as every line
	if h.c.o.Format == FormatJSON {
		h.c.send(h.c.o.Log, h.c.jsonLog(t, r.Level.String(), r.Message, attrs))
		return nil
	}
	h.c.send(h.c.o.Log, h.c.textLog(t, r.Level, r.Message, attrs))
	return nil
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append([]slog.Attr(nil), h.attrs...)
	for _, a := range as {
		n.attrs = append(n.attrs, h.flatten(h.prefix, a)...)
	}
	return &n
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	n := *h
	n.prefix = h.prefix + name + "."
	return &n
}

// flatten resolves a and names a group's members "group.key".
func (h *handler) flatten(prefix string, a slog.Attr) []slog.Attr {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return nil
	}
	if a.Value.Kind() != slog.KindGroup {
		a.Key = prefix + a.Key
		return []slog.Attr{a}
	}
	var out []slog.Attr
	for _, m := range a.Value.Group() {
		out = append(out, h.flatten(prefix+a.Key+".", m)...)
	}
	return out
}

// textLog writes "TIME verge | LEVEL msg key=value…", then each multi-line
// value on its own lines.
func (c *Console) textLog(t time.Time, level slog.Level, msg string, attrs []slog.Attr) []byte {
	c.nameWidth(vergeName)
	c.mu.Lock()
	b := c.prefix(t, vergeName, c.width, '|')
	c.mu.Unlock()
	lv := level.String()
	if level != slog.LevelInfo {
		b = append(b, c.paint(levelColor(lv), lv)...)
		b = append(b, ' ')
	}
	b = append(b, msg...)
	var long []slog.Attr
	for _, a := range attrs {
		s := a.Value.String()
		if strings.Contains(s, "\n") {
			long = append(long, a)
			continue
		}
		b = append(b, ' ')
		b = append(b, c.paint(ansiDim, a.Key+"=")...)
		b = appendValue(b, s)
	}
	b = append(b, '\n')
	for _, a := range long {
		b = append(b, strings.TrimRight(a.Value.String(), "\n")...)
		b = append(b, '\n')
	}
	return b
}

// appendValue quotes a value with spaces or quotes, as logfmt does.
func appendValue(b []byte, s string) []byte {
	if s == "" || strings.ContainsAny(s, " \t\"=") {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}
