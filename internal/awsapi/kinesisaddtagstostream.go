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
	return a.tag(w, r, in.Tags, func() (string, error) { return a.stream(in.StreamName, in.StreamARN) })
}
