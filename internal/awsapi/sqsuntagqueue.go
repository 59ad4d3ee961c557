package awsapi

import (
	"net/http"
	"net/url"
)

type untagQueueIn struct {
	QueueURL string `json:"QueueUrl"`
	TagKeys  []string
}

func (in *untagQueueIn) fromForm(f url.Values) {
	in.QueueURL, in.TagKeys = f.Get("QueueUrl"), queryList(f, "TagKey")
}
func (in *untagQueueIn) setURL(u string) { in.QueueURL = u }

// untagQueue serves UntagQueue.
func (a *sqsAPI) untagQueue(w http.ResponseWriter, r *http.Request) error {
	var in untagQueueIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	if len(in.TagKeys) == 0 {
		return missing("TagKeys")
	}
	if err := a.q().Untag(r.Context(), name, in.TagKeys); err != nil {
		return err
	}
	return a.write(w, r, "UntagQueue", nil)
}
