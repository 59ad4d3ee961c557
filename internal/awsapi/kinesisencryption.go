package awsapi

import "net/http"

type encryptionIn struct {
	StreamName     string `json:"StreamName"`
	StreamARN      string `json:"StreamARN"`
	EncryptionType string `json:"EncryptionType"`
	KeyID          string `json:"KeyId"`
}

// startStreamEncryption is StartStreamEncryption: the key is recorded and
// the stream reports EncryptionType KMS (in Describe and on its records),
// but Verge does not encrypt what it stores: there is no KMS.
func (a *kinesisAPI) startStreamEncryption(w http.ResponseWriter, r *http.Request) error {
	return a.encrypt(w, r, true)
}

// stopStreamEncryption is StopStreamEncryption.
func (a *kinesisAPI) stopStreamEncryption(w http.ResponseWriter, r *http.Request) error {
	return a.encrypt(w, r, false)
}

func (a *kinesisAPI) encrypt(w http.ResponseWriter, r *http.Request, start bool) error {
	var in encryptionIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.EncryptionType, "encryptionType")
	v.oneOf(in.EncryptionType, "encryptionType", encryptionNone, encryptionKMS)
	v.required(in.KeyID, "keyId")
	if len(in.KeyID) > 2048 {
		v.add(in.KeyID, "keyId", "Member must have length less than or equal to 2048")
	}
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if _, err := a.k().Describe(r.Context(), name, 1, ""); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case !start:
		delete(a.keys, name)
	case in.EncryptionType == encryptionKMS:
		a.keys[name] = in.KeyID
	}
	return writeOutput(w, r, nil)
}
