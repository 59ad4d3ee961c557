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
	var v violations
	checkStreamTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return err
	}
	name, err := taggedStream(in.ResourceARN)
	if err != nil {
		return err
	}
	if err := a.k().Tag(r.Context(), name, in.Tags); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
