package awsapi

import "net/http"

// startStreamEncryption is StartStreamEncryption: the key is recorded and
// the stream reports EncryptionType KMS (in Describe and on its records),
// but Verge does not encrypt what it stores: there is no KMS.
func (a *kinesisAPI) startStreamEncryption(w http.ResponseWriter, r *http.Request) error {
	return a.encrypt(w, r, true)
}
