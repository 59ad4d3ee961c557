package awsapi

import "net/http"

// listTagsForResource is ListTagsForResource: a stream's tags, by key.
func (a *kinesisAPI) listTagsForResource(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ResourceARN string `json:"ResourceARN"`
	}
	if err := readInput(r, &in); err != nil {
		return err
	}
	name, err := taggedStream(in.ResourceARN)
	if err != nil {
		return err
	}
	tags, err := a.k().Tags(r.Context(), name)
	if err != nil {
		return err
	}
	return writeOutput(w, r, struct {
		Tags []wireTag `json:"Tags"`
	}{sortedTags(tags)})
}
