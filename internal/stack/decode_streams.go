package stack

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decodeNode decodes a Timestamp: Unix seconds as a YAML number, or an
// RFC 3339 time (quoted or not: YAML reads an unquoted one as a
// timestamp).
func (ts *Timestamp) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	const want = "Unix seconds or an RFC 3339 time such as 2024-05-01T12:00:00Z"
	if !d.scalar(n, name, want) {
		return false
	}
	tag := n.ShortTag()
	if tag != "!!int" && tag != "!!float" && tag != "!!str" && tag != "!!timestamp" {
		d.wrongType(n, name, want)
		return false
	}
	sec, err := parseTimestamp(n.Value, tag == "!!int" || tag == "!!float")
	if err != nil {
		d.errorf(at(n), "%s %v", name, err)
		return false
	}
	ts.Unix = sec
	return true
}

// parseTimestamp reads a time as Unix seconds: a number when number is
// set (YAML's forms, fractions allowed), else an RFC 3339 time. It refuses
// times before 1970 and after 9999.
func parseTimestamp(s string, number bool) (float64, error) {
	var sec float64
	if number {
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		if err != nil {
			var n yaml.Node
			if yaml.Unmarshal([]byte(s), &n) != nil || n.Kind != yaml.DocumentNode || len(n.Content) != 1 || n.Content[0].Decode(&f) != nil {
				return 0, fmt.Errorf("%q is not a number of seconds", s)
			}
		}
		sec = f
	} else {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return 0, fmt.Errorf("%q is not an RFC 3339 time such as 2024-05-01T12:00:00Z (with a zone), nor Unix seconds", s)
		}
		// Not UnixNano, which overflows after 2262.
		sec = float64(t.Unix()) + float64(t.Nanosecond())/1e9
	}
	switch {
	case math.IsNaN(sec) || math.IsInf(sec, 0):
		return 0, fmt.Errorf("%q is not a number of seconds", s)
	case sec < 0 || sec > maxUnixSeconds:
		return 0, errors.New("must be between 1970 and 9999")
	}
	return sec, nil
}

// maxUnixSeconds is 9999-12-31T23:59:59Z.
const maxUnixSeconds = 253402300799

// Interface guards.
var _ nodeDecoder = (*Timestamp)(nil)
