package awsapi

import (
	"errors"
	"net/http"

	"github.com/verge-edge/verge/internal/sns"
	"github.com/verge-edge/verge/internal/sqs"
)

// publishBatch serves PublishBatch: up to ten entries with distinct ids,
// each succeeding or failing on its own.
func (a *snsAPI) publishBatch(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	topicArn := f.get("TopicArn")
	if sns.TopicName(topicArn) == "" {
		return errSNSInvalidParameter.With("Invalid parameter: TopicArn")
	}
	batch, err := f.entries("PublishBatchRequestEntries", "member")
	switch {
	case err != nil:
		return err
	case len(batch) == 0:
		return errSNSBatchEmpty.With("The batch request doesn't contain any entries.")
	case len(batch) > sns.MaxBatch:
		return errSNSBatchTooMany.With("The batch request contains more entries than permissible.")
	}
	entries := make([]sns.PublishInput, 0, len(batch))
	seen := map[string]bool{}
	size := 0
	for _, e := range batch {
		in, err := snsForm(e).publishInput()
		if err != nil {
			return err
		}
		if !sqs.ValidBatchID(in.ID) { // SNS's rule is SQS's
			return errSNSBatchInvalidID.With("A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
		}
		if seen[in.ID] {
			return errSNSBatchDistinct.With("Two or more batch entries in the request have the same Id.")
		}
		seen[in.ID] = true
		size += len(in.Message)
		for k, v := range in.Attributes {
			size += len(k) + len(v.DataType) + len(v.StringValue) + len(v.BinaryValue)
		}
		entries = append(entries, in)
	}
	if size > sns.MaxMessageSize {
		return errSNSBatchTooLong.With("The length of all the messages put together is more than the limit.")
	}
	results, errs, err := a.svc().PublishBatch(r.Context(), topicArn, entries)
	if err != nil {
		return snsErr(err)
	}
	type done struct {
		ID             string `xml:"Id"`
		MessageID      string `xml:"MessageId"`
		SequenceNumber string `xml:"SequenceNumber,omitempty"`
	}
	type failed struct {
		ID          string `xml:"Id"`
		Code        string `xml:"Code"`
		Message     string `xml:"Message"`
		SenderFault bool   `xml:"SenderFault"`
	}
	var out struct {
		Successful []done   `xml:"Successful>member"`
		Failed     []failed `xml:"Failed>member"`
	}
	for i, res := range results {
		if errs[i] != nil {
			fl := failed{ID: res.ID, Code: errSNSInternal.Code, Message: errs[i].Error()}
			var e *sns.Error
			if errors.As(errs[i], &e) {
				fl.Code, fl.Message, fl.SenderFault = e.Code, e.Message, e.Code != sns.CodeInternal
			}
			out.Failed = append(out.Failed, fl)
			continue
		}
		out.Successful = append(out.Successful, done{res.ID, res.MessageID, res.SequenceNumber})
	}
	return writeSNS(w, "PublishBatch", out)
}
