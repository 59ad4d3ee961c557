package awsapi

import "net/http"

// stopStreamEncryption is StopStreamEncryption.
func (a *kinesisAPI) stopStreamEncryption(w http.ResponseWriter, r *http.Request) error {
	return a.encrypt(w, r, false)
}
