package s3

import (
	"strconv"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/jsonx"
)

// Records is the message S3 sends a function, a queue or a topic for e
// under the configuration configID: {"Records":[record]}, one record, in
// the field order of AWS's examples. Size is omitted for a removal, eTag
// when e has none, versionId when the object has no version.
func Records(e Event, configID string) []byte {
	b := make([]byte, 0, 640+len(e.Key)*3+len(e.Bucket)*2+len(configID)+len(e.Caller.HostID))
	b = append(b, `{"Records":[{"eventVersion":"`...)
	b = append(b, recordVersion(e.Name)...)
	b = append(b, `","eventSource":"`+eventSource+`","awsRegion":"`+arn.Region+`","eventTime":"`...)
	b = e.Time.UTC().AppendFormat(b, timeLayout)
	b = append(b, `","eventName":`...)
	b = jsonx.AppendString(b, e.Name)
	b = append(b, `,"userIdentity":{"principalId":`...)
	b = jsonx.AppendString(b, principal(e.Caller))
	b = append(b, `},"requestParameters":{"sourceIPAddress":`...)
	b = jsonx.AppendString(b, e.Caller.SourceIP)
	b = append(b, `},"responseElements":{"x-amz-request-id":`...)
	b = jsonx.AppendString(b, e.Caller.RequestID)
	b = append(b, `,"x-amz-id-2":`...)
	b = jsonx.AppendString(b, e.Caller.HostID)
	b = append(b, `},"s3":{"s3SchemaVersion":"`+schemaVersion+`","configurationId":`...)
	b = jsonx.AppendString(b, configID)
	b = append(b, `,"bucket":{"name":`...)
	b = jsonx.AppendString(b, e.Bucket)
	b = append(b, `,"ownerIdentity":{"principalId":"`+Owner+`"},"arn":`...)
	b = jsonx.AppendString(b, arn.Bucket(e.Bucket))
	b = append(b, `},"object":{"key":"`...)
	b = appendKey(b, e.Key)
	b = append(b, '"')
	if isCreated(e.Name) {
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, e.Size, 10)
	}
	if e.ETag != "" {
		b = append(b, `,"eTag":`...)
		b = jsonx.AppendString(b, e.ETag)
	}
	if e.VersionID != "" {
		b = append(b, `,"versionId":`...)
		b = jsonx.AppendString(b, e.VersionID)
	}
	if e.Sequencer != "" {
		b = append(b, `,"sequencer":`...)
		b = jsonx.AppendString(b, e.Sequencer)
	}
	return append(b, `}}}]}`...)
}

// recordVersion is the eventVersion S3 gives events named name.
func recordVersion(name string) string {
	for _, family := range [...]string{"Lifecycle", "IntelligentTiering", "ObjectAcl:", "ObjectTagging:", "ObjectRestore:Delete"} {
		if strings.HasPrefix(name, family) {
			return eventVersionNew
		}
	}
	return eventVersion
}

func isCreated(name string) bool { return strings.HasPrefix(name, "ObjectCreated:") }

// principal is who caused a change: the requester, else the owner.
func principal(c Caller) string {
	if c.Principal == "" {
		return Owner
	}
	return c.Principal
}

// appendKey appends key encoded as S3 encodes keys in events: as an HTML
// form (application/x-www-form-urlencoded, Java's URLEncoder: letters,
// digits and ".-*_" kept, a space as "+", other bytes of the UTF-8 as
// %XX) except that "/" is kept, as real events show ("a/red flower.jpg"
// becomes "a/red+flower.jpg").
func appendKey(b []byte, key string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '-', c == '*', c == '_', c == '/':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// TestEvent is the message S3 sends a queue or a topic when a
// configuration naming it is set, to check that it can deliver.
func TestEvent(bucket string, t time.Time, requestID, hostID string) []byte {
	b := make([]byte, 0, 160+len(bucket)+len(requestID)+len(hostID))
	b = append(b, `{"Service":"`+serviceName+`","Event":"`+testEventName+`","Time":"`...)
	b = t.UTC().AppendFormat(b, timeLayout)
	b = append(b, `","Bucket":`...)
	b = jsonx.AppendString(b, bucket)
	b = append(b, `,"RequestId":`...)
	b = jsonx.AppendString(b, requestID)
	b = append(b, `,"HostId":`...)
	b = jsonx.AppendString(b, hostID)
	return append(b, '}')
}
