package awsapi

import (
	"net/http"
	"net/url"
)

type changeVisibilityIn struct {
	QueueURL          string `json:"QueueUrl"`
	ReceiptHandle     string
	VisibilityTimeout *int
}

func (in *changeVisibilityIn) fromForm(f url.Values) {
	in.QueueURL, in.ReceiptHandle, in.VisibilityTimeout = f.Get("QueueUrl"), f.Get("ReceiptHandle"), formInt(f, "VisibilityTimeout")
}
func (in *changeVisibilityIn) setURL(u string) { in.QueueURL = u }

// changeMessageVisibility serves ChangeMessageVisibility.
func (a *sqsAPI) changeMessageVisibility(w http.ResponseWriter, r *http.Request) error {
	var in changeVisibilityIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	switch {
	case in.ReceiptHandle == "":
		return missing("ReceiptHandle")
	case in.VisibilityTimeout == nil:
		return missing("VisibilityTimeout")
	}
	if err := a.q().ChangeVisibility(r.Context(), name, in.ReceiptHandle, *in.VisibilityTimeout); err != nil {
		return err
	}
	return a.write(w, r, "ChangeMessageVisibility", nil)
}
