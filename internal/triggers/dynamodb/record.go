package dynamodb

import "github.com/verge-edge/verge/internal/jsonx"

// A Source is the stream whose records an event carries.
type Source struct {
	// StreamARN is the table's stream's ARN (eventSourceARN).
	StreamARN string
}

// Append appends to b the event record of rec, a stream record encoded as
// one JSON object ({"eventID":…,"dynamodb":{…}}, as encoding/json writes
// it: no space after its last member): rec with eventSourceARN added as
// its last member.
func (src *Source) Append(b, rec []byte) []byte {
	b = append(b, rec[:len(rec)-1]...)
	if len(rec) > 2 {
		b = append(b, ',')
	}
	b = append(b, `"eventSourceARN":`...)
	b = jsonx.AppendString(b, src.StreamARN)
	return append(b, '}')
}

// Size is an upper bound of the bytes Append adds for rec, to size
// buffers.
func (src *Source) Size(rec []byte) int { return len(rec) + 20 + 6*len(src.StreamARN) }
