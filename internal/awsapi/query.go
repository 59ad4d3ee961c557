package awsapi

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The query protocol flattens lists and maps into numbered parameters
// (AttributeName.1, Attribute.1.Name, Entry.2.MessageAttribute.1.Value.
// StringValue; SNS's Attributes.entry.N.key, Tags.member.N.Key). These
// read them back for SQS and SNS: leniently, as SQS does, with
// queryIndexes's ok for SNS, which refuses a malformed index.

// maxQueryRequest caps a query request's form: SQS's 256 KiB batches,
// URL-encoded.
const maxQueryRequest = 2 << 20

// readForm parses r's query protocol parameters (URL and body).
func readForm(r *http.Request) (url.Values, error) {
	if r.Form == nil {
		r.Body = http.MaxBytesReader(nil, r.Body, maxQueryRequest)
		if err := r.ParseForm(); err != nil {
			return nil, ErrSerialization.With("reading the request's parameters: " + err.Error())
		}
	}
	return r.Form, nil
}

// maxQueryIndex bounds the index a strict reader (SNS's) accepts: its
// lists hold at most 50 tags, 10 batch entries, 10 attributes.
const maxQueryIndex = 1000

// queryIndexes are the numbers N of the parameters "prefix.N" and
// "prefix.N.…" in f, ascending; N counts from 1, written as Itoa writes it.
// ok is false when some parameter under prefix has no such N or one above
// maxQueryIndex: SQS reads past it, SNS refuses the request.
func queryIndexes(f url.Values, prefix string) (idx []int, ok bool) {
	prefix += "."
	ok = true
	for k := range f {
		rest, found := strings.CutPrefix(k, prefix)
		if !found {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || strconv.Itoa(n) != num {
			ok = false
			continue
		}
		ok = ok && n <= maxQueryIndex
		idx = append(idx, n)
	}
	// Sorted then compacted, not deduplicated as read: a 2 MiB form can
	// hold 100,000 indexes.
	slices.Sort(idx)
	return slices.Compact(idx), ok
}

// queryList is the list "prefix.1", "prefix.2", … in order.
func queryList(f url.Values, prefix string) []string {
	var out []string
	idx, _ := queryIndexes(f, prefix)
	for _, n := range idx {
		if v, ok := f[prefix+"."+strconv.Itoa(n)]; ok {
			out = append(out, v[0])
		}
	}
	return out
}

// queryEntries are the members "prefix.N.…" of a list of structures, in
// order, each with its parameters' names relative to "prefix.N.".
func queryEntries(f url.Values, prefix string) []url.Values {
	idx, _ := queryIndexes(f, prefix)
	if len(idx) == 0 {
		return nil
	}
	out := make([]url.Values, len(idx))
	pos := make(map[int]int, len(idx))
	for i, n := range idx {
		out[i] = url.Values{}
		pos[n] = i
	}
	prefix += "."
	for k, v := range f {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, sub, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			continue
		}
		if i, ok := pos[n]; ok && strconv.Itoa(n) == num {
			out[i][sub] = v
		}
	}
	return out
}

// queryMap is the map "prefix.N.<key>" → "prefix.N.<value>"; nil when
// there are none. An entry without its key is left out.
func queryMap(f url.Values, prefix, key, value string) map[string]string {
	var out map[string]string
	for _, e := range queryEntries(f, prefix) {
		k, ok := e[key]
		if !ok {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k[0]] = e.Get(value)
	}
	return out
}

// encodePairs writes m as one element start a pair, sorted by key: the
// key in an element named key, the value in one named value.
func encodePairs(e *xml.Encoder, start xml.StartElement, m map[string]string, key, value string) error {
	type text struct {
		XMLName xml.Name // named by its value: key or value
		Text    string   `xml:",chardata"`
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		pair := struct{ K, V text }{text{xml.Name{Local: key}, k}, text{xml.Name{Local: value}, m[k]}}
		if err := e.EncodeElement(pair, start); err != nil {
			return err
		}
	}
	return nil
}

// queryAttr is the message attribute in an entry's "Value.DataType",
// "Value.StringValue" and "Value.BinaryValue" (base64; err when it does
// not decode, with what did).
func queryAttr(e url.Values) (a wireAttr, err error) {
	a = wireAttr{DataType: e.Get("Value.DataType"), StringValue: e.Get("Value.StringValue")}
	if b := e.Get("Value.BinaryValue"); b != "" {
		a.BinaryValue, err = base64.StdEncoding.DecodeString(b)
	}
	return a, err
}

// writeQuery writes a query protocol response: <ActionResponse> holding
// <ActionResult> (result, when not nil) and the request id.
func writeQuery(w http.ResponseWriter, action, namespace string, result any) error {
	var b bytes.Buffer
	e := xml.NewEncoder(&b)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: namespace}}}
	e.EncodeToken(start)
	if result != nil {
		if err := e.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return ErrInternal.With("encoding the response: " + err.Error())
		}
	}
	h := w.Header()
	e.EncodeElement(struct {
		RequestID string `xml:"RequestId"`
	}{h.Get(HeaderRequestID)}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	e.EncodeToken(start.End())
	if err := e.Flush(); err != nil {
		return err
	}
	h.Set("Content-Type", contentXML)
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
	return nil
}
