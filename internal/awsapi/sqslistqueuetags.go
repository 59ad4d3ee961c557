package awsapi

import "net/http"

type tagsOut struct {
	Tags xmlTags `json:"Tags,omitempty" xml:"Tag"`
}

// listQueueTags serves ListQueueTags.
func (a *sqsAPI) listQueueTags(w http.ResponseWriter, r *http.Request) error {
	name, err := a.readQueue(r)
	if err != nil {
		return err
	}
	tags, err := a.q().Tags(name)
	if err != nil {
		return err
	}
	out := tagsOut{}
	if len(tags) > 0 {
		out.Tags = tags
	}
	return a.write(w, r, "ListQueueTags", out)
}
