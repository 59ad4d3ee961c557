package awsapi

import (
	"net/http"
	"net/url"
)

// queueIn is the input of the operations that take a queue only.
type queueIn struct {
	QueueURL string `json:"QueueUrl"`
}

func (in *queueIn) fromForm(f url.Values) { in.QueueURL = f.Get("QueueUrl") }
func (in *queueIn) setURL(u string)       { in.QueueURL = u }

// deleteQueue serves DeleteQueue.
func (a *sqsAPI) deleteQueue(w http.ResponseWriter, r *http.Request) error {
	var in queueIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	if err := a.q().DeleteQueue(r.Context(), name); err != nil {
		return err
	}
	return a.write(w, r, "DeleteQueue", nil)
}
