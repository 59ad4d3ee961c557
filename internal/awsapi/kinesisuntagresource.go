package awsapi

import "net/http"

type untagResourceIn struct {
	ResourceARN string   `json:"ResourceARN"`
	TagKeys     []string `json:"TagKeys"`
}

// untagResource is UntagResource, on a stream.
func (a *kinesisAPI) untagResource(w http.ResponseWriter, r *http.Request) error {
	var in untagResourceIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	return a.untag(w, r, in.TagKeys, func() (string, error) { return taggedStream(in.ResourceARN) })
}
