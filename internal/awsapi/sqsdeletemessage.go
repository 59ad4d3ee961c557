package awsapi

import (
	"net/http"
	"net/url"
)

type deleteMessageIn struct {
	QueueURL      string `json:"QueueUrl"`
	ReceiptHandle string
}

func (in *deleteMessageIn) fromForm(f url.Values) {
	in.QueueURL, in.ReceiptHandle = f.Get("QueueUrl"), f.Get("ReceiptHandle")
}
func (in *deleteMessageIn) setURL(u string) { in.QueueURL = u }

// deleteMessage serves DeleteMessage.
func (a *sqsAPI) deleteMessage(w http.ResponseWriter, r *http.Request) error {
	var in deleteMessageIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	if in.ReceiptHandle == "" {
		return missing("ReceiptHandle")
	}
	if err := a.q().Delete(r.Context(), name, in.ReceiptHandle); err != nil {
		return err
	}
	return a.write(w, r, "DeleteMessage", nil)
}
