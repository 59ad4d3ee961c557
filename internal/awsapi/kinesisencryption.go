package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/kinesis"
)

type encryptionIn struct {
	StreamName     string `json:"StreamName"`
	StreamARN      string `json:"StreamARN"`
	EncryptionType string `json:"EncryptionType"`
	KeyID          string `json:"KeyId"`
}

// encrypt records (start) or forgets (stop) a stream's encryption key.
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
	if start && in.EncryptionType != encryptionKMS {
		return &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "EncryptionType " + in.EncryptionType + " cannot start encryption: use KMS."}
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
	if start {
		a.keys[name] = in.KeyID
	} else {
		delete(a.keys, name)
	}
	return writeOutput(w, r, nil)
}
