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
	var v violations
	checkTagKeys(&v, in.TagKeys)
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := a.k().Untag(r.Context(), name, in.TagKeys); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
