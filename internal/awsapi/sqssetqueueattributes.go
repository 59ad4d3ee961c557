package awsapi

import (
	"net/http"
	"net/url"
)

type setAttributesIn struct {
	QueueURL   string `json:"QueueUrl"`
	Attributes map[string]string
}

func (in *setAttributesIn) fromForm(f url.Values) {
	in.QueueURL, in.Attributes = f.Get("QueueUrl"), queryMap(f, "Attribute", "Name", "Value")
}
func (in *setAttributesIn) setURL(u string) { in.QueueURL = u }

// setQueueAttributes serves SetQueueAttributes.
func (a *sqsAPI) setQueueAttributes(w http.ResponseWriter, r *http.Request) error {
	var in setAttributesIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	if len(in.Attributes) == 0 {
		return missing("Attribute.1.Name")
	}
	if err := a.q().SetAttributes(r.Context(), name, in.Attributes); err != nil {
		return err
	}
	return a.write(w, r, "SetQueueAttributes", nil)
}
