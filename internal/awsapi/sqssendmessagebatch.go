package awsapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/verge-edge/verge/internal/sqs"
)

type sendBatchIn struct {
	QueueURL string `json:"QueueUrl"`
	Entries  []sendEntry
}

func (in *sendBatchIn) fromForm(f url.Values) {
	in.QueueURL = f.Get("QueueUrl")
	for _, e := range queryEntries(f, "SendMessageBatchRequestEntry") {
		var s sendEntry
		s.fromForm(e)
		in.Entries = append(in.Entries, s)
	}
}
func (in *sendBatchIn) setURL(u string) { in.QueueURL = u }

type sendBatchOut struct {
	Successful []sentOut    `json:"Successful" xml:"SendMessageBatchResultEntry"`
	Failed     []batchError `json:"Failed" xml:"BatchResultErrorEntry"`
}

// sendMessageBatch serves SendMessageBatch.
func (a *sqsAPI) sendMessageBatch(w http.ResponseWriter, r *http.Request) error {
	var in sendBatchIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	ids := make([]string, len(in.Entries))
	size := 0
	inputs := make([]sqs.SendInput, len(in.Entries))
	for i := range in.Entries {
		ids[i] = in.Entries[i].ID
		inputs[i] = in.Entries[i].input()
		size += len(inputs[i].Body)
		for k, v := range inputs[i].Attributes {
			size += len(k) + len(v.DataType) + len(v.StringValue) + len(v.BinaryValue)
		}
	}
	if err := checkBatch(ids, "SendMessageBatchRequestEntry"); err != nil {
		return err
	}
	if size > sqs.MaxMessageSize {
		return &sqs.Error{Code: sqs.CodeBatchRequestTooLong, Message: "Batch requests cannot be longer than 262144 bytes. You have sent " + strconv.Itoa(size) + " bytes."}
	}
	res, errs, err := a.q().Send(r.Context(), name, inputs)
	if err != nil {
		return err
	}
	out := sendBatchOut{Successful: []sentOut{}, Failed: []batchError{}}
	query := isQueryRequest(r)
	for i := range res {
		if errs[i] != nil {
			out.Failed = append(out.Failed, entryError(ids[i], errs[i], query))
			continue
		}
		out.Successful = append(out.Successful, sent(res[i]))
	}
	return a.write(w, r, "SendMessageBatch", out)
}
