package console

import (
	"strconv"
	"time"
)

// A Request is one request to a CDN or a front door, as the access log
// records it.
type Request struct {
	Time     time.Time // when it arrived
	Duration time.Duration
	Method   string
	Host     string
	Path     string
	Query    string
	Status   int
	// Result is the cache's answer (Hit, Miss, RefreshHit, Error…); "" for
	// a front door's request.
	Result string
	// Target is the distribution or front door that answered; "" for none.
	Target string
}

// Request writes a line for a request: "GET host/path 200 Hit 1.2ms". In
// quiet mode only server errors (5xx) are written.
func (c *Console) Request(r Request) {
	if c.o.Quiet && r.Status < 500 {
		return
	}
	if c.o.Format == FormatJSON {
		c.send(c.o.Out, c.jsonRequest(r))
		return
	}
	name := r.Target
	if name == "" {
		name = vergeName
	}
	b := c.prefix(r.Time.Add(r.Duration), name, c.nameWidth(name), '>') // stamped when it ends, as the lines around it
	b = append(b, r.Method...)
	b = append(b, ' ')
	b = append(b, r.Host...)
	b = append(b, r.Path...)
	if r.Query != "" {
		b = append(b, '?')
		b = append(b, r.Query...)
	}
	b = append(b, ' ')
	b = append(b, c.paint(statusColor(r.Status), strconv.Itoa(r.Status))...)
	result := r.Result
	if result == "" {
		result = "-"
	}
	b = append(b, ' ')
	b = append(b, c.paint(resultColor(result), result)...)
	b = append(b, ' ')
	b = append(b, formatDuration(r.Duration)...)
	b = append(b, '\n')
	c.send(c.o.Out, b)
}

// formatDuration writes d in ms with two decimals below a second, as
// Lambda's REPORT does, else in seconds.
func formatDuration(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
}

func statusColor(status int) string {
	switch {
	case status >= 500:
		return ansiRed
	case status >= 400:
		return ansiYellow
	case status >= 300:
		return ansiCyan
	}
	return ansiGreen
}

func resultColor(result string) string {
	switch result {
	case "Hit", "RefreshHit":
		return ansiGreen
	case "Error", "LimitExceeded", "CapacityExceeded":
		return ansiRed
	}
	return ansiDim
}
