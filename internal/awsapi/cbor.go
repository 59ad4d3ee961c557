package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// contentCBOR is the Content-Type of AWS's CBOR protocol (Kinesis's
// default in the Java SDKs and the KCL).
const contentCBOR = "application/x-amz-cbor-1.1"

// cborTagEpoch is CBOR's tag 1, an epoch-based date and time.
const cborTagEpoch = 1

// maxInputRequest caps the bodies readInput reads: a PutRecords of 500
// records holds up to 5 MiB of data, which JSON writes in base64.
const maxInputRequest = 10 << 20

var (
	// cborDec decodes CBOR request bodies as strictly as AWS does: a
	// member of the wrong type, a duplicate key or a key that matches a
	// member only in case is refused. Struct fields use their json tags.
	// Jackson, which the Java SDKs write CBOR with, writes maps and
	// arrays of indefinite length.
	cborDec = mustDecMode(cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
		IndefLength:       cbor.IndefLengthAllowed,
		MaxNestedLevels:   16,
		MaxArrayElements:  1 << 16,
		MaxMapPairs:       1 << 16,
	})
	// cborEnc encodes responses: definite lengths, json tags.
	cborEnc = mustEncMode(cbor.EncOptions{})
)

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

// isCBOR says whether r's body is AWS CBOR 1.1.
func isCBOR(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), contentCBOR)
}

// readInput decodes an operation's body into v in the request's protocol
// (JSON 1.1, or CBOR for a service with AlsoCBOR); an empty body is {}.
// A body of the wrong shape is a SerializationException.
func readInput(r *http.Request, v any) error {
	b, err := readBody(r, maxInputRequest)
	switch {
	case err != nil:
		return ErrSerialization.With("reading the request: " + err.Error())
	case len(b) > maxInputRequest:
		return ErrSerialization.With("the request is larger than " + strconv.Itoa(maxInputRequest) + " bytes")
	}
	if isCBOR(r) {
		if len(b) == 0 {
			return nil
		}
		if err := cborDec.Unmarshal(b, v); err != nil {
			return ErrSerialization.With("the request is not valid CBOR for this operation: " + cborProblem(err))
		}
		return nil
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if p, ok := v.(*putRecordsIn); ok {
		var fast putRecordsIn
		if decodePutRecords(b, &fast) {
			*p = fast
			return nil
		}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return ErrSerialization.With("the request is not valid JSON for this operation: " + jsonProblem(err))
	}
	return nil
}

// peekInput decodes r's body into v in its protocol and leaves the body
// for the handler; false when it cannot.
func peekInput(r *http.Request, v any) bool {
	b, err := readBody(r, maxInputRequest)
	if err != nil {
		return false
	}
	if isCBOR(r) {
		return cborDec.Unmarshal(b, v) == nil
	}
	return decodeJSON(b, v) == nil // a flatInput skips the records unread
}

// writeOutput writes an operation's result in the request's protocol; v
// nil is an empty result.
func writeOutput(w http.ResponseWriter, r *http.Request, v any) error {
	if v == nil {
		v = struct{}{}
	}
	ct := contentJSON11
	var b []byte
	var err error
	f, fast := v.(fastOutput)
	switch {
	case fast && isCBOR(r):
		ct, b = contentCBOR, f.appendCBOR(make([]byte, 0, f.size()))
	case fast:
		b = f.appendJSON(make([]byte, 0, f.size()))
	case isCBOR(r):
		ct = contentCBOR
		b, err = cborEnc.Marshal(v)
	default:
		b, err = json.Marshal(v)
	}
	if err != nil {
		return ErrInternal.With("encoding the response: " + err.Error())
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
	return nil
}

// A timestamp is a timestamp member. JSON writes it as epoch seconds with
// a fraction (1733540849.123); CBOR as tag 1 enclosing epoch
// milliseconds, which is how AWS's CBOR clients (the Java SDKs) write
// and read it, though RFC 8949 counts seconds. Decoding CBOR also takes a
// float as RFC 8949 seconds, and an untagged number.
type timestamp struct{ time.Time }

// stamp is t as a timestamp member.
func stamp(t time.Time) timestamp { return timestamp{t} }

func (t timestamp) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(t.UnixMilli())/1e3, 'f', -1, 64), nil
}

func (t *timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || !validSeconds(f) {
		return errors.New("a timestamp must be a number of epoch seconds, not " + string(b))
	}
	t.Time = fromSeconds(f)
	return nil
}

func (t timestamp) MarshalCBOR() ([]byte, error) {
	return cborEnc.Marshal(cbor.Tag{Number: cborTagEpoch, Content: t.UnixMilli()})
}

func (t *timestamp) UnmarshalCBOR(b []byte) error {
	var v any
	if len(b) > 0 && b[0]>>5 == 6 { // a tag
		var tag cbor.Tag
		if err := cborDec.Unmarshal(b, &tag); err != nil {
			return err
		}
		if tag.Number != cborTagEpoch {
			return errors.New("a timestamp must be tag 1, not tag " + strconv.FormatUint(tag.Number, 10))
		}
		v = tag.Content
	} else if err := cborDec.Unmarshal(b, &v); err != nil {
		return err
	}
	switch n := v.(type) {
	case nil:
		return nil
	case uint64:
		if n > math.MaxInt64/2 {
			return errors.New("the timestamp is out of range")
		}
		t.Time = time.UnixMilli(int64(n))
	case int64:
		t.Time = time.UnixMilli(n)
	case float64:
		if !validSeconds(n) {
			return errors.New("the timestamp is out of range")
		}
		t.Time = fromSeconds(n)
	default:
		return errors.New("a timestamp must be a number")
	}
	return nil
}

// validSeconds says whether f is a usable number of epoch seconds.
func validSeconds(f float64) bool {
	return !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) < 1e12
}

func fromSeconds(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond))
}

// shapes are the wire's names of the Go types inputs decode into.
var shapes = map[string]string{"[]uint8": "a blob", "string": "a string", "int": "an integer", "*int": "an integer",
	"bool": "a boolean", "*string": "a string", "awsapi.timestamp": "a timestamp"}

// jsonProblem words a decoding error for the caller, as cborProblem does.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	want, ok := shapes[te.Type.String()]
	switch {
	case !ok && te.Type.Kind() == reflect.Slice:
		want = "a list"
	case !ok:
		want = "a structure"
	}
	msg := "a JSON " + te.Value + " where " + want + " belongs"
	if te.Field != "" {
		msg += " (in " + te.Field + ")"
	}
	return msg
}

// cborProblem words a decoding error for the caller, in the wire's terms
// rather than Go's where it can.
func cborProblem(err error) string {
	var te *cbor.UnmarshalTypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "cbor: ")
	}
	want, ok := shapes[te.GoType]
	switch {
	case !ok && strings.HasPrefix(te.GoType, "[]"), !ok && strings.HasPrefix(te.GoType, "*[]"):
		want = "a list"
	case !ok:
		want = "a structure"
	}
	msg := "a CBOR " + te.CBORType + " where " + want + " belongs"
	if _, field, ok := strings.Cut(te.StructFieldName, "In."); ok {
		msg += " (in " + field + ")"
	}
	return msg
}
