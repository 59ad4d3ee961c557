package cloudwatchlogs

// MaxPayload is the largest event an asynchronous invocation takes
// (Lambda's 256 KB limit).
const MaxPayload = 256 << 10

// Payloads are m's events as function events of at most max bytes each, in
// order: a message too large is split in halves, and an event too large on
// its own has its message shortened until it fits (Lambda would refuse it
// whole).
func Payloads(m *Message, max int) [][]byte { return Split(m, max, Payload) }

// Split is Payloads with encode making each piece: Payload for a
// function, Gzipped for a Kinesis record.
func Split(m *Message, max int, encode func(*Message) []byte) [][]byte {
	p := encode(m)
	if len(p) <= max {
		return [][]byte{p}
	}
	if len(m.Events) > 1 {
		h := len(m.Events) / 2
		a, b := *m, *m
		a.Events, b.Events = m.Events[:h], m.Events[h:]
		return append(Split(&a, max, encode), Split(&b, max, encode)...)
	}
	if len(m.Events) == 0 {
		return nil
	}
	one := *m
	e := m.Events[0]
	for len(p) > max && e.Message != "" {
		e.Message = cut(e.Message, len(e.Message)*3/4)
		one.Events = []Event{e}
		p = encode(&one)
	}
	return [][]byte{p}
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence.
func cut(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
