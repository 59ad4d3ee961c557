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
	var v violations
	checkTagKeys(&v, in.TagKeys)
	if err := v.err(); err != nil {
		return err
	}
	name, err := taggedStream(in.ResourceARN)
	if err != nil {
		return err
	}
	if err := a.k().Untag(r.Context(), name, in.TagKeys); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
