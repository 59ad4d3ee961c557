package awsapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"time"
)

// A browser's POST upload (S3's POST policy): a multipart form whose
// fields come before the file, authenticated by a policy document the
// caller signed.

// postForm is a POST upload's fields (names lower-case) and its file
// part, the last, which is read only as the object's body.
type postForm struct {
	fields   map[string]string
	file     *multipart.Part
	filename string
}

// readPostForm reads the fields of a multipart/form-data body up to the
// file part.
func readPostForm(body io.Reader, contentType string) (*postForm, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil, malformedPost("the Content-Type is not multipart/form-data with a boundary")
	}
	mr := multipart.NewReader(body, params["boundary"])
	f := &postForm{fields: map[string]string{}}
	size := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, malformedPost("POST requires exactly one file upload per request.")
		}
		if err != nil {
			return nil, malformedPost("the multipart body is malformed: " + err.Error())
		}
		name := strings.ToLower(p.FormName())
		if name == "file" {
			f.file, f.filename = p, p.FileName()
			return f, nil
		}
		v, err := io.ReadAll(io.LimitReader(p, int64(s3PostMaxFields-size+1)))
		size += len(v)
		if err != nil || size > s3PostMaxFields {
			return nil, malformedPost("the form's fields are larger than the maximum allowed")
		}
		f.fields[name] = string(v)
	}
}

// malformedPost is S3's refusal of a POST form it cannot read.
func malformedPost(msg string) *Error {
	return errS3MalformedPost.With("The body of your POST request is not well-formed multipart/form-data: " + msg)
}

// postPolicy is a decoded policy document.
type postPolicy struct {
	Expiration time.Time
	Conditions []postCondition
}

// A postCondition is one of the policy's conditions: op is "eq",
// "starts-with" or "content-length-range" (with Min and Max).
type postCondition struct {
	Op, Field, Value string
	Min, Max         int64
}

// parsePolicy decodes a base64 policy document.
func parsePolicy(b64 string) (*postPolicy, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, invalidPolicy("Invalid Policy: Invalid Simple-Policy base64 encoding.")
	}
	var doc struct {
		Expiration string            `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, invalidPolicy("Invalid Policy: Invalid JSON.")
	}
	exp, err := time.Parse(time.RFC3339, doc.Expiration)
	if err != nil {
		return nil, invalidPolicy("Invalid Policy: Invalid 'expiration' value: '" + doc.Expiration + "'")
	}
	p := &postPolicy{Expiration: exp}
	for _, c := range doc.Conditions {
		conds, err := parseCondition(c)
		if err != nil {
			return nil, err
		}
		p.Conditions = append(p.Conditions, conds...)
	}
	return p, nil
}

// parseCondition reads one condition: {"field": "value"} (each of its
// pairs an exact match) or ["op", "$field", value].
func parseCondition(raw json.RawMessage) ([]postCondition, error) {
	var exact map[string]string
	if json.Unmarshal(raw, &exact) == nil {
		var out []postCondition
		for k, v := range exact {
			out = append(out, postCondition{Op: "eq", Field: strings.ToLower(k), Value: v})
		}
		return out, nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil || len(list) != 3 {
		return nil, invalidPolicy("Invalid Policy: Invalid Condition: " + string(raw))
	}
	var op string
	if json.Unmarshal(list[0], &op) != nil {
		return nil, invalidPolicy("Invalid Policy: Invalid Condition: " + string(raw))
	}
	switch op = strings.ToLower(op); op {
	case "content-length-range":
		var lo, hi int64
		if json.Unmarshal(list[1], &lo) != nil || json.Unmarshal(list[2], &hi) != nil || lo < 0 || hi < lo {
			return nil, invalidPolicy("Invalid Policy: Invalid content-length-range: " + string(raw))
		}
		return []postCondition{{Op: op, Min: lo, Max: hi}}, nil
	case "eq", "starts-with":
		var field, value string
		if json.Unmarshal(list[1], &field) != nil || json.Unmarshal(list[2], &value) != nil || !strings.HasPrefix(field, "$") {
			return nil, invalidPolicy("Invalid Policy: Invalid Condition: " + string(raw))
		}
		return []postCondition{{Op: op, Field: strings.ToLower(field[1:]), Value: value}}, nil
	}
	return nil, invalidPolicy("Invalid Policy: Invalid Condition: unknown operation " + op)
}

// invalidPolicy is S3's refusal of a policy it cannot read.
func invalidPolicy(msg string) *Error { return s3Invalid("%s", msg) }

// postExempt are the fields a policy need not cover.
func postExempt(name string) bool {
	return name == "x-amz-signature" || name == "file" || name == "policy" || strings.HasPrefix(name, "x-ignore-")
}

// check applies p to the form's fields: every condition holds, every
// field is covered (the expiration is authenticatePost's). The bucket is a field for the
// conditions, as S3 counts it. The size range, if any, is returned for
// the body's reader to apply.
func (p *postPolicy) check(fields map[string]string, bucket string) (lo, hi int64, err error) {
	values := func(name string) string {
		if name == "bucket" {
			return bucket
		}
		return fields[name]
	}
	covered := map[string]bool{"bucket": true}
	lo, hi = 0, -1
	for _, c := range p.Conditions {
		v := values(c.Field)
		switch c.Op {
		case "content-length-range":
			lo, hi = c.Min, c.Max
			continue
		case "eq":
			if v != c.Value {
				return 0, 0, policyFailed(fmt.Sprintf("Policy Condition failed: [\"eq\", \"$%s\", %q]", c.Field, c.Value))
			}
		case "starts-with":
			if !startsWith(c.Field, v, c.Value) {
				return 0, 0, policyFailed(fmt.Sprintf("Policy Condition failed: [\"starts-with\", \"$%s\", %q]", c.Field, c.Value))
			}
		}
		covered[c.Field] = true
	}
	for name := range fields {
		if !postExempt(name) && !covered[name] {
			return 0, 0, policyFailed(fmt.Sprintf("Invalid according to Policy: Extra input fields: %s", name))
		}
	}
	return lo, hi, nil
}

// startsWith is the starts-with condition; for Content-Type, each of a
// comma-separated list must start with the prefix, as S3 allows.
func startsWith(field, v, prefix string) bool {
	if field != "content-type" {
		return strings.HasPrefix(v, prefix)
	}
	for _, part := range strings.Split(v, ",") {
		if !strings.HasPrefix(strings.TrimSpace(part), prefix) {
			return false
		}
	}
	return true
}

// policyFailed is S3's AccessDenied for a condition that does not hold.
func policyFailed(msg string) *Error {
	return errS3AccessDenied.With("Invalid according to Policy: " + strings.TrimPrefix(msg, "Invalid according to Policy: "))
}

// sizeLimit is a POST file's reader under content-length-range: beyond
// hi it fails (EntityTooLarge); ending under lo, it fails at the end
// (EntityTooSmall) so the store keeps nothing.
type sizeLimit struct {
	r      io.Reader
	lo, hi int64
	n      int64
}

func (s *sizeLimit) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.hi >= 0 && s.n > s.hi {
		return n, errEntityTooLarge
	}
	if errors.Is(err, io.EOF) && s.n < s.lo {
		return n, errEntityTooSmall
	}
	return n, err
}

var (
	errEntityTooLarge = errS3EntityTooLarge.With("Your proposed upload exceeds the maximum allowed size")
	errEntityTooSmall = errS3EntityTooSmall.With("Your proposed upload is smaller than the minimum allowed size")
)
