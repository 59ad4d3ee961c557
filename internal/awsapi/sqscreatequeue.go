package awsapi

import (
	"net/http"
	"net/url"
)

type createQueueIn struct {
	QueueName  string
	Attributes map[string]string
	Tags       map[string]string `json:"tags"`
}

func (in *createQueueIn) fromForm(f url.Values) {
	in.QueueName = f.Get("QueueName")
	in.Attributes = queryMap(f, "Attribute", "Name", "Value")
	in.Tags = queryMap(f, "Tag", "Key", "Value")
}

// createQueue serves CreateQueue.
func (a *sqsAPI) createQueue(w http.ResponseWriter, r *http.Request) error {
	var in createQueueIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	if in.QueueName == "" {
		return missing("QueueName")
	}
	if err := a.q().CreateQueue(r.Context(), in.QueueName, in.Attributes, in.Tags); err != nil {
		return err
	}
	return a.write(w, r, "CreateQueue", queueURLOut{queueURL(r, in.QueueName)})
}
