package awsapi

import "net/http"

type addTagsIn struct {
	StreamName string            `json:"StreamName"`
	StreamARN  string            `json:"StreamARN"`
	Tags       map[string]string `json:"Tags"`
}

// addTagsToStream is AddTagsToStream: adds or overwrites tags.
func (a *kinesisAPI) addTagsToStream(w http.ResponseWriter, r *http.Request) error {
	var in addTagsIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	checkStreamTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := a.k().Tag(r.Context(), name, in.Tags); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
