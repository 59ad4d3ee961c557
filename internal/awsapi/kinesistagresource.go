package awsapi

import "net/http"

type tagResourceIn struct {
	ResourceARN string            `json:"ResourceARN"`
	Tags        map[string]string `json:"Tags"`
}

// tagResource is TagResource, on a stream.
func (a *kinesisAPI) tagResource(w http.ResponseWriter, r *http.Request) error {
	var in tagResourceIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	return a.tag(w, r, in.Tags, func() (string, error) { return taggedStream(in.ResourceARN) })
}
