package awsapi

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The query protocol flattens lists and maps into numbered parameters
// (AttributeName.1, Attribute.1.Name, Entry.2.MessageAttribute.1.Value.
// StringValue). These read them back; SQS and SNS share them.

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

// queryIndexes are the numbers N of the parameters "prefix.N" and
// "prefix.N.…" in f, ascending; N counts from 1.
func queryIndexes(f url.Values, prefix string) []int {
	prefix += "."
	var out []int
	for k := range f {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || strconv.Itoa(n) != num {
			continue
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// queryList is the list "prefix.1", "prefix.2", … in order.
func queryList(f url.Values, prefix string) []string {
	var out []string
	for _, n := range queryIndexes(f, prefix) {
		if v, ok := f[prefix+"."+strconv.Itoa(n)]; ok {
			out = append(out, v[0])
		}
	}
	return out
}

// queryEntries are the members "prefix.N.…" of a list of structures, in
// order, each with its parameters' names relative to "prefix.N.".
func queryEntries(f url.Values, prefix string) []url.Values {
	idx := queryIndexes(f, prefix)
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

// writeQuery writes a query protocol response: <ActionResponse> holding
// <ActionResult> (result, when not nil) and the request id.
func writeQuery(w http.ResponseWriter, action, namespace string, result any) error {
	var b bytes.Buffer
	e := xml.NewEncoder(&b)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: namespace}}}
	e.EncodeToken(start)
	if result != nil {
		if err := e.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return err
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
