package console

import (
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/term"
)

// Options configure a Console.
type Options struct {
	// Out receives the functions' output, their errors, the requests and
	// the summary.
	Out io.Writer
	// Log receives Verge's own messages (Handler); Out when nil.
	Log io.Writer
	// Format is FormatText (the default) or FormatJSON.
	Format Format
	// Color writes text with ANSI colours.
	Color bool
	// Quiet writes only errors (thrown errors, failed requests, messages
	// at slog.LevelError) and the summary.
	Quiet bool
	// Now stamps lines; time.Now when nil.
	Now func() time.Time
}

// A Console writes to the developer's terminal. Its methods are safe for
// concurrent use and never block on the writers.
type Console struct {
	o    Options
	q    chan entry
	done chan struct{}

	mu      sync.Mutex // guards the fields below
	closed  bool
	dropped int
	width   int    // of the name column
	summary string // the last summary written, to skip an unchanged one
}

// An entry is one formatted record waiting for its writer.
type entry struct {
	w io.Writer
	b []byte
}

// New returns a Console writing as o says; Close stops it.
func New(o Options) *Console {
	if o.Log == nil {
		o.Log = o.Out
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Format == "" {
		o.Format = FormatText
	}
	c := &Console{o: o, q: make(chan entry, queueLen), done: make(chan struct{}), width: len(vergeName)}
	go c.write()
	return c
}

// Colorful reports whether text for w should be coloured: w is a terminal
// and the NO_COLOR convention (no-color.org) does not say otherwise.
func Colorful(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// write writes queued entries until Close.
func (c *Console) write() {
	defer close(c.done)
	for e := range c.q {
		e.w.Write(e.b)
	}
}

// Close writes what is queued and stops the Console; later lines are
// dropped.
func (c *Console) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	close(c.q)
	<-c.done
	if c.dropped > 0 { // no line came after the drops to say so
		c.o.Out.Write(c.droppedNote())
	}
}

// send queues b for w, or counts it dropped when the queue is full. The
// first line that fits after drops says how many were lost.
func (c *Console) send(w io.Writer, b []byte) {
	if len(b) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	if c.dropped > 0 && len(c.q) < cap(c.q)-1 {
		c.q <- entry{c.o.Out, c.droppedNote()}
		c.dropped = 0
	}
	select {
	case c.q <- entry{w, b}:
	default:
		c.dropped++
	}
}

// droppedNote says how many lines the queue dropped; c.mu is held.
func (c *Console) droppedNote() []byte {
	msg := "[verge] " + strconv.Itoa(c.dropped) + " lines dropped: the terminal did not keep up"
	if c.o.Format == FormatJSON {
		return c.jsonLog(c.o.Now(), "WARN", msg, nil)
	}
	return c.textLine(c.o.Now(), vergeName, '|', msg)
}

// nameWidth widens the name column for name and returns its width.
func (c *Console) nameWidth(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(name); n > c.width && n <= maxNameWidth {
		c.width = n
	}
	return c.width
}
