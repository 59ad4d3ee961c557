package awsapi

import "net/http"

type deleteStreamIn struct {
	StreamName              string `json:"StreamName"`
	StreamARN               string `json:"StreamARN"`
	EnforceConsumerDeletion bool   `json:"EnforceConsumerDeletion"`
}

// deleteStream is DeleteStream; a stream with consumers is refused
// unless EnforceConsumerDeletion.
func (a *kinesisAPI) deleteStream(w http.ResponseWriter, r *http.Request) error {
	var in deleteStreamIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := a.k().DeleteStream(r.Context(), name, in.EnforceConsumerDeletion); err != nil {
		return err
	}
	a.forget(name)
	return writeOutput(w, r, nil)
}
