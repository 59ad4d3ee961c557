package awsapi

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/verge-edge/verge/internal/sqs"
)

type getAttributesIn struct {
	QueueURL       string `json:"QueueUrl"`
	AttributeNames []string
}

func (in *getAttributesIn) fromForm(f url.Values) {
	in.QueueURL, in.AttributeNames = f.Get("QueueUrl"), queryList(f, "AttributeName")
}
func (in *getAttributesIn) setURL(u string) { in.QueueURL = u }

type attributesOut struct {
	Attributes xmlAttrs `json:"Attributes,omitempty" xml:"Attribute"`
}

// queueAttributeNames are the names GetQueueAttributes knows.
var queueAttributeNames = []string{
	sqs.AttrDelaySeconds, sqs.AttrMaximumMessageSize, sqs.AttrMessageRetentionPeriod, sqs.AttrReceiveMessageWaitTimeSeconds,
	sqs.AttrVisibilityTimeout, sqs.AttrRedrivePolicy, sqs.AttrRedriveAllowPolicy, sqs.AttrFifoQueue, sqs.AttrContentBasedDeduplication,
	sqs.AttrDeduplicationScope, sqs.AttrFifoThroughputLimit, sqs.AttrPolicy, sqs.AttrKmsMasterKeyID, sqs.AttrKmsDataKeyReusePeriodSeconds,
	sqs.AttrSqsManagedSseEnabled, sqs.AttrQueueArn, sqs.AttrCreatedTimestamp, sqs.AttrLastModifiedTimestamp,
	sqs.AttrApproximateNumberOfMessages, sqs.AttrApproximateNumberOfMessagesNotVisible, sqs.AttrApproximateNumberOfMessagesDelayed,
}

// getQueueAttributes serves GetQueueAttributes.
func (a *sqsAPI) getQueueAttributes(w http.ResponseWriter, r *http.Request) error {
	var in getAttributesIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	for _, n := range in.AttributeNames {
		if n != "All" && !slices.Contains(queueAttributeNames, n) {
			return &sqs.Error{Code: sqs.CodeInvalidAttributeName, Message: "Unknown Attribute " + n + "."}
		}
	}
	all, err := a.q().Attributes(r.Context(), name)
	if err != nil {
		return err
	}
	out := attributesOut{}
	for k, v := range all {
		if slices.Contains(in.AttributeNames, "All") || slices.Contains(in.AttributeNames, k) {
			if out.Attributes == nil {
				out.Attributes = xmlAttrs{}
			}
			out.Attributes[k] = v
		}
	}
	return a.write(w, r, "GetQueueAttributes", out)
}
