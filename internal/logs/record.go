package logs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/jsonx"

	"github.com/verge-edge/verge/internal/errs"
)

// record is a line of a day file.
type record struct {
	T int64  `json:"t"` // Unix milliseconds
	S string `json:"s"`
	M string `json:"m"`
}

// appendRecord appends the JSON line for an event. It is encoding/json's
// output for record, without its reflection and allocations.
func appendRecord(b []byte, ms int64, stream, msg string) []byte {
	b = append(b, `{"t":`...)
	b = strconv.AppendInt(b, ms, 10)
	b = append(b, `,"s":`...)
	b = jsonx.AppendString(b, stream)
	b = append(b, `,"m":`...)
	b = jsonx.AppendString(b, msg)
	return append(b, '}', '\n')
}

const hexDigits = "0123456789abcdef"

// decodeRecord parses a line of a day file. prevStream, the stream of the
// line before, is reused when it repeats, to save an allocation.
func decodeRecord(line []byte, prevStream string) (Event, error) {
	if ev, ok := decodeFast(line, prevStream); ok {
		return ev, nil
	}
	var r record
	if err := json.Unmarshal(line, &r); err != nil {
		return Event{}, errs.E(errs.Invalid, errs.Errorf("bad log record: %w", err))
	}
	return Event{Time: time.UnixMilli(r.T).UTC(), Stream: r.S, Message: r.M}, nil
}

// decodeFast parses the exact shape appendRecord writes, several times
// faster than encoding/json; anything else is left to encoding/json.
func decodeFast(b []byte, prevStream string) (Event, bool) {
	b, ok := bytes.CutPrefix(b, []byte(`{"t":`))
	if !ok {
		return Event{}, false
	}
	ms, b, ok := readInt(b)
	if !ok {
		return Event{}, false
	}
	if b, ok = bytes.CutPrefix(b, []byte(`,"s":`)); !ok {
		return Event{}, false
	}
	stream, b, err := jsonx.ReadString(b)
	if err != nil {
		return Event{}, false
	}
	if b, ok = bytes.CutPrefix(b, []byte(`,"m":`)); !ok {
		return Event{}, false
	}
	msg, b, err := jsonx.ReadString(b)
	if err != nil || string(b) != "}" {
		return Event{}, false
	}
	ev := Event{Time: time.UnixMilli(ms).UTC(), Stream: prevStream, Message: string(msg)}
	if string(stream) != prevStream {
		ev.Stream = string(stream)
	}
	return ev, true
}

// readInt reads a JSON integer of at most 18 digits (so it cannot overflow).
func readInt(b []byte) (int64, []byte, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	i := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	if i == 0 || i > 18 || (b[0] == '0' && i > 1) {
		return 0, nil, false
	}
	n, _ := strconv.ParseInt(string(b[:i]), 10, 64)
	if neg {
		n = -n
	}
	return n, b[i:], true
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// groupDir is the folder name of a group: bytes other than ASCII letters,
// digits, '-' and '_' (and '.' except first) are escaped as %XX, so the name
// holds no separator, is never "." or "..", and names map to distinct
// folders. A name too long for a file system keeps a prefix and gains a hash
// of the whole.
func groupDir(name string) string {
	b := make([]byte, 0, len(name)+16)
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.' && i > 0:
			b = append(b, c)
		default:
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	if len(b) == 0 {
		return "%"
	}
	if len(b) > maxDirName {
		sum := sha256.Sum256([]byte(name))
		b = append(b[:maxDirName-33], '~')
		b = append(b, hex.EncodeToString(sum[:16])...)
	}
	return string(b)
}
