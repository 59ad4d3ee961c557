package s3

import (
	"strconv"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/jsonx"
)

// EventBridge is the event S3 sends the default event bus for e when the
// bucket's EventBridge notifications are on: its detail-type and detail
// (source EventBridgeSource, resources [the bucket's ARN]). ok is false
// for the events S3 does not send EventBridge this way (Verge produces
// none of them). Unlike in Records, the key is not encoded.
func EventBridge(e Event) (detailType string, detail []byte, ok bool) {
	d, ok := details[e.Name]
	if !ok {
		return "", nil, false
	}
	b := make([]byte, 0, 320+len(e.Bucket)+len(e.Key)+len(e.Caller.RequestID))
	b = append(b, `{"version":"`+detailVersion+`","bucket":{"name":`...)
	b = jsonx.AppendString(b, e.Bucket)
	b = append(b, `},"object":{"key":`...)
	b = jsonx.AppendString(b, e.Key)
	if d.size {
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, e.Size, 10)
	}
	if e.ETag != "" {
		b = append(b, `,"etag":`...)
		b = jsonx.AppendString(b, e.ETag)
	}
	if e.VersionID != "" {
		b = append(b, `,"version-id":`...)
		b = jsonx.AppendString(b, e.VersionID)
	}
	if d.sequencer && e.Sequencer != "" {
		b = append(b, `,"sequencer":`...)
		b = jsonx.AppendString(b, e.Sequencer)
	}
	b = append(b, `},"request-id":`...)
	b = jsonx.AppendString(b, e.Caller.RequestID)
	b = append(b, `,"requester":"`+arn.Account+`","source-ip-address":`...)
	b = jsonx.AppendString(b, e.Caller.SourceIP)
	if d.reason != "" {
		b = append(b, `,"reason":`...)
		b = jsonx.AppendString(b, d.reason)
	}
	if d.deletion != "" {
		b = append(b, `,"deletion-type":`...)
		b = jsonx.AppendString(b, d.deletion)
	}
	return d.detailType, append(b, '}'), true
}

// A detail is how an event name appears in EventBridge.
type detail struct {
	detailType string
	// reason is the API that caused the change; deletion the kind of
	// deletion (Object Deleted only).
	reason, deletion string
	// size and sequencer say whether the object has them.
	size, sequencer bool
}

// details maps event names to their EventBridge form, after S3's
// "EventBridge mapping" table.
var details = map[string]detail{
	"ObjectCreated:Put":                       {detailType: DetailCreated, reason: "PutObject", size: true, sequencer: true},
	"ObjectCreated:Post":                      {detailType: DetailCreated, reason: "POST Object", size: true, sequencer: true},
	"ObjectCreated:Copy":                      {detailType: DetailCreated, reason: "CopyObject", size: true, sequencer: true},
	"ObjectCreated:CompleteMultipartUpload":   {detailType: DetailCreated, reason: "CompleteMultipartUpload", size: true, sequencer: true},
	"ObjectRemoved:Delete":                    {detailType: DetailDeleted, reason: "DeleteObject", deletion: deletedPermanently, sequencer: true},
	"ObjectRemoved:DeleteMarkerCreated":       {detailType: DetailDeleted, reason: "DeleteObject", deletion: deletedMarker, sequencer: true},
	"LifecycleExpiration:Delete":              {detailType: DetailDeleted, reason: "Lifecycle Expiration", deletion: deletedPermanently, sequencer: true},
	"LifecycleExpiration:DeleteMarkerCreated": {detailType: DetailDeleted, reason: "Lifecycle Expiration", deletion: deletedMarker, sequencer: true},
	"ObjectTagging:Put":                       {detailType: DetailTagsAdded},
	"ObjectTagging:Delete":                    {detailType: DetailTagsDeleted},
}
