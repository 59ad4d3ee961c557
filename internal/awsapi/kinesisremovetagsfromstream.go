package awsapi

import "net/http"

type removeTagsIn struct {
	StreamName string   `json:"StreamName"`
	StreamARN  string   `json:"StreamARN"`
	TagKeys    []string `json:"TagKeys"`
}

// removeTagsFromStream is RemoveTagsFromStream; absent keys are ignored.
func (a *kinesisAPI) removeTagsFromStream(w http.ResponseWriter, r *http.Request) error {
	var in removeTagsIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	return a.untag(w, r, in.TagKeys, func() (string, error) { return a.stream(in.StreamName, in.StreamARN) })
}
