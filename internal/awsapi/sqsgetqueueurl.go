package awsapi

import (
	"net/http"
	"net/url"

	"github.com/verge-edge/verge/internal/sqs"
)

type getQueueURLIn struct {
	QueueName string
}

func (in *getQueueURLIn) fromForm(f url.Values) { in.QueueName = f.Get("QueueName") }

type queueURLOut struct {
	QueueURL string `json:"QueueUrl" xml:"QueueUrl"`
}

// getQueueURL serves GetQueueUrl.
func (a *sqsAPI) getQueueURL(w http.ResponseWriter, r *http.Request) error {
	var in getQueueURLIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	if in.QueueName == "" {
		return missing("QueueName")
	}
	if !a.q().Exists(in.QueueName) {
		return &sqs.Error{Code: sqs.CodeQueueDoesNotExist, Message: "The specified queue does not exist."}
	}
	return a.write(w, r, "GetQueueUrl", queueURLOut{queueURL(r, in.QueueName)})
}
