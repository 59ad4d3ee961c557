package edge

import (
	"bufio"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/jsonx"
)

// accessLog writes one JSON object per request, with the fields of
// CloudFront's standard log that apply. Lines are buffered and flushed every
// second, so logging costs the hit path an append, not a write call.
type accessLog struct {
	mu sync.Mutex
	// sec and secText cache the formatted second, the costly part of a timestamp.
	sec     int64
	secText []byte
	w       *bufio.Writer
	line    []byte
	stop    chan struct{}
	done    chan struct{}
}

func newAccessLog(w io.Writer) *accessLog {
	l := &accessLog{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.flusher()
	return l
}

func (l *accessLog) flusher() {
	defer close(l.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.mu.Lock()
			l.w.Flush()
			l.mu.Unlock()
		case <-l.stop:
			return
		}
	}
}

func (l *accessLog) close() {
	close(l.stop)
	<-l.done
	l.mu.Lock()
	l.w.Flush()
	l.mu.Unlock()
}

// logRecord is what one request leaves in the log and the metrics.
type logRecord struct {
	start                                   time.Time
	elapsed                                 time.Duration
	clientIP, method, host, path, query     string
	status                                  int
	bytes                                   int64
	result, detail, requestID, distribution string
}

func (l *accessLog) write(rec *logRecord) {
	l.mu.Lock()
	b := l.line[:0]
	b = append(b, `{"time":"`...)
	b = l.appendTime(b, rec.start)
	b = append(b, `","c-ip":`...)
	b = jsonx.AppendString(b, rec.clientIP)
	b = append(b, `,"cs-method":`...)
	b = jsonx.AppendString(b, rec.method)
	b = append(b, `,"cs-host":`...)
	b = jsonx.AppendString(b, rec.host)
	b = append(b, `,"cs-uri-stem":`...)
	b = jsonx.AppendString(b, rec.path)
	b = append(b, `,"cs-uri-query":`...)
	b = jsonx.AppendString(b, rec.query)
	b = append(b, `,"sc-status":`...)
	b = strconv.AppendInt(b, int64(rec.status), 10)
	b = append(b, `,"sc-bytes":`...)
	b = strconv.AppendInt(b, rec.bytes, 10)
	b = append(b, `,"time-taken":`...)
	b = strconv.AppendFloat(b, rec.elapsed.Seconds(), 'f', 6, 64)
	b = append(b, `,"x-edge-result-type":`...)
	b = jsonx.AppendString(b, rec.result)
	if rec.detail != "" {
		b = append(b, `,"x-edge-detailed-result-type":`...)
		b = jsonx.AppendString(b, rec.detail)
	}
	b = append(b, `,"x-edge-request-id":`...)
	b = jsonx.AppendString(b, rec.requestID)
	if rec.distribution != "" {
		b = append(b, `,"distribution":`...)
		b = jsonx.AppendString(b, rec.distribution)
	}
	b = append(b, "}\n"...)
	l.w.Write(b)
	l.line = b
	l.mu.Unlock()
}

// appendTime appends t as RFC 3339 UTC with milliseconds; l.mu is held.
func (l *accessLog) appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	if s := t.Unix(); s != l.sec || l.secText == nil {
		l.sec, l.secText = s, t.AppendFormat(l.secText[:0], "2006-01-02T15:04:05")
	}
	b = append(b, l.secText...)
	ms := t.Nanosecond() / int(time.Millisecond)
	return append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}
