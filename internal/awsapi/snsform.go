package awsapi

import (
	"net/url"

	"github.com/verge-edge/verge/internal/sns"
)

// snsForm is SNS's view of the query protocol's parameters: the shared
// readers (query.go), strict, refusing in SNS's words. SNS writes lists as
// "P.member.N" and maps as "P.entry.N.key|value".
type snsForm url.Values

func (f snsForm) get(name string) string { return url.Values(f).Get(name) }

// entries are the structures "prefix.list.N.…" in index order; a malformed
// index is InvalidParameter: prefix.
func (f snsForm) entries(prefix, list string) ([]url.Values, error) {
	p := prefix + "." + list
	if _, ok := queryIndexes(url.Values(f), p); !ok {
		return nil, snsInvalid(prefix)
	}
	return queryEntries(url.Values(f), p), nil
}

// list reads "prefix.member.N".
func (f snsForm) list(prefix string) ([]string, error) {
	p := prefix + ".member"
	if _, ok := queryIndexes(url.Values(f), p); !ok {
		return nil, snsInvalid(prefix)
	}
	return queryList(url.Values(f), p), nil
}

// pairs reads the map "prefix.list.N.<key>" → "prefix.list.N.<value>"; nil
// when there are none.
func (f snsForm) pairs(prefix, list, key, value string) (map[string]string, error) {
	es, err := f.entries(prefix, list)
	if err != nil || len(es) == 0 {
		return nil, err
	}
	out := make(map[string]string, len(es))
	for _, e := range es {
		out[e.Get(key)] = e.Get(value)
	}
	return out, nil
}

// stringMap reads "prefix.entry.N.key" and ".value" (Attributes); every
// entry names its attribute.
func (f snsForm) stringMap(prefix string) (map[string]string, error) {
	m, err := f.pairs(prefix, "entry", "key", "value")
	if _, unnamed := m[""]; unnamed {
		return nil, snsInvalid(prefix)
	}
	return m, err
}

// tags reads "prefix.member.N.Key" and ".Value"; the service judges the keys.
func (f snsForm) tags(prefix string) (map[string]string, error) {
	return f.pairs(prefix, "member", "Key", "Value")
}

// messageAttributes reads "prefix.entry.N.Name" and its value (queryAttr);
// BinaryValue not in base64 is InvalidParameterValue.
func (f snsForm) messageAttributes(prefix string) (map[string]sns.MessageAttribute, error) {
	es, err := f.entries(prefix, "entry")
	if err != nil || len(es) == 0 {
		return nil, err
	}
	out := make(map[string]sns.MessageAttribute, len(es))
	for _, e := range es {
		a, err := queryAttr(e)
		if err != nil {
			return nil, errSNSInvalidParameterValue.Withf("The message attribute '%s' has an invalid binary value.", e.Get("Name"))
		}
		out[e.Get("Name")] = sns.MessageAttribute(a)
	}
	return out, nil
}

// publishInput reads one message's parameters: Publish's, or a
// PublishBatch entry's.
func (f snsForm) publishInput() (sns.PublishInput, error) {
	attrs, err := f.messageAttributes("MessageAttributes")
	if err != nil {
		return sns.PublishInput{}, err
	}
	return sns.PublishInput{
		ID:               f.get("Id"),
		Message:          f.get("Message"),
		Subject:          f.get("Subject"),
		MessageStructure: f.get("MessageStructure"),
		Attributes:       attrs,
		GroupID:          f.get("MessageGroupId"),
		DeduplicationID:  f.get("MessageDeduplicationId"),
	}, nil
}

func snsInvalid(param string) *Error {
	return errSNSInvalidParameter.Withf("Invalid parameter: %s", param)
}
