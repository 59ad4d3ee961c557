package awsapi

import (
	"net/http"
	"net/url"
)

type tagQueueIn struct {
	QueueURL string `json:"QueueUrl"`
	Tags     map[string]string
}

func (in *tagQueueIn) fromForm(f url.Values) {
	in.QueueURL, in.Tags = f.Get("QueueUrl"), queryMap(f, "Tag", "Key", "Value")
}
func (in *tagQueueIn) setURL(u string) { in.QueueURL = u }

// tagQueue serves TagQueue.
func (a *sqsAPI) tagQueue(w http.ResponseWriter, r *http.Request) error {
	var in tagQueueIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	if len(in.Tags) == 0 {
		return missing("Tags")
	}
	if err := a.q().Tag(r.Context(), name, in.Tags); err != nil {
		return err
	}
	return a.write(w, r, "TagQueue", nil)
}
