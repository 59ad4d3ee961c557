package awsapi

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/sns"
)

// snsForm reads SNS's query-protocol parameters: flat names for scalars,
// "P.member.N" for lists, "P.entry.N.key|value" for maps, numbered from 1
// as the SDKs number them. A form is small, so each look-up scans it.
type snsForm url.Values

// maxFormIndex bounds a list's index: SNS's lists hold at most 50 tags, 10
// batch entries, 10 attributes; anything far above is refused.
const maxFormIndex = 1000

func (f snsForm) get(name string) string { return url.Values(f).Get(name) }

// indices are the N of the parameters "prefix.N.…" (or "prefix.N"),
// sorted; ok is false when one is not a number in 1..maxFormIndex.
func (f snsForm) indices(prefix string) (idx []int, ok bool) {
	prefix += "."
	for k := range f {
		rest, found := strings.CutPrefix(k, prefix)
		if !found {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if err != nil || i < 1 || i > maxFormIndex {
			return nil, false
		}
		if !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	return idx, true
}

// list reads "prefix.member.N".
func (f snsForm) list(prefix string) ([]string, error) {
	idx, ok := f.indices(prefix + ".member")
	if !ok {
		return nil, snsInvalid(prefix)
	}
	out := make([]string, 0, len(idx))
	for _, i := range idx {
		out = append(out, f.get(prefix+".member."+strconv.Itoa(i)))
	}
	return out, nil
}

// stringMap reads "prefix.entry.N.key" and ".value" (Attributes); nil
// when there are none.
func (f snsForm) stringMap(prefix string) (map[string]string, error) {
	idx, ok := f.indices(prefix + ".entry")
	if !ok {
		return nil, snsInvalid(prefix)
	}
	if len(idx) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(idx))
	for _, i := range idx {
		p := prefix + ".entry." + strconv.Itoa(i) + "."
		k := f.get(p + "key")
		if k == "" {
			return nil, snsInvalid(prefix)
		}
		out[k] = f.get(p + "value")
	}
	return out, nil
}

// tags reads "prefix.member.N.Key" and ".Value".
func (f snsForm) tags(prefix string) (map[string]string, error) {
	idx, ok := f.indices(prefix + ".member")
	if !ok {
		return nil, snsInvalid(prefix)
	}
	if len(idx) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(idx))
	for _, i := range idx {
		p := prefix + ".member." + strconv.Itoa(i) + "."
		out[f.get(p+"Key")] = f.get(p + "Value")
	}
	return out, nil
}

// messageAttributes reads "prefix.entry.N.Name" and ".Value.DataType",
// ".Value.StringValue", ".Value.BinaryValue" (base64).
func (f snsForm) messageAttributes(prefix string) (map[string]sns.MessageAttribute, error) {
	idx, ok := f.indices(prefix + ".entry")
	if !ok {
		return nil, snsInvalid(prefix)
	}
	if len(idx) == 0 {
		return nil, nil
	}
	out := make(map[string]sns.MessageAttribute, len(idx))
	for _, i := range idx {
		p := prefix + ".entry." + strconv.Itoa(i) + "."
		name := f.get(p + "Name")
		a := sns.MessageAttribute{DataType: f.get(p + "Value.DataType"), StringValue: f.get(p + "Value.StringValue")}
		if b := f.get(p + "Value.BinaryValue"); b != "" {
			v, err := base64.StdEncoding.DecodeString(b)
			if err != nil {
				return nil, errSNSInvalidParameterValue.Withf("The message attribute '%s' has an invalid binary value.", name)
			}
			a.BinaryValue = v
		}
		out[name] = a
	}
	return out, nil
}

// publishInput reads one message's parameters under prefix ("" for
// Publish, "PublishBatchRequestEntries.member.N." for a batch entry).
func (f snsForm) publishInput(prefix string) (sns.PublishInput, error) {
	attrs, err := f.messageAttributes(prefix + "MessageAttributes")
	if err != nil {
		return sns.PublishInput{}, err
	}
	return sns.PublishInput{
		ID:               f.get(prefix + "Id"),
		Message:          f.get(prefix + "Message"),
		Subject:          f.get(prefix + "Subject"),
		MessageStructure: f.get(prefix + "MessageStructure"),
		Attributes:       attrs,
		GroupID:          f.get(prefix + "MessageGroupId"),
		DeduplicationID:  f.get(prefix + "MessageDeduplicationId"),
	}, nil
}

// snsParams are r's parameters: the query string's and the form body's
// (the router has parsed them to read Action).
func snsParams(form url.Values) snsForm { return snsForm(form) }

func snsInvalid(param string) *Error {
	return errSNSInvalidParameter.Withf("Invalid parameter: %s", param)
}
