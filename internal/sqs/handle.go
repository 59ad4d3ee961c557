package sqs

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// Receipt handles are base64 of the message's stream sequence, the
// receive count at that receive (the nonce) and a MAC under the queue's
// key: opaque, unforgeable, and only valid for their own queue.
const (
	handleVersion = 1
	handleMACLen  = 16
	handleLen     = 1 + 8 + 4 + handleMACLen
)

func makeHandle(key []byte, seq uint64, nonce int) string {
	b := make([]byte, 0, handleLen)
	b = append(b, handleVersion)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = binary.BigEndian.AppendUint32(b, uint32(nonce))
	b = append(b, handleMAC(key, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func handleMAC(key, b []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(b)
	return h.Sum(nil)[:handleMACLen]
}

// parseHandle reads a handle made with key; ok is false for garbage or
// another queue's handle.
func parseHandle(key []byte, s string) (seq uint64, nonce int, ok bool) {
	if len(s) != base64.RawURLEncoding.EncodedLen(handleLen) {
		return 0, 0, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s) // one spelling per handle
	if err != nil || len(b) != handleLen || b[0] != handleVersion {
		return 0, 0, false
	}
	if !hmac.Equal(b[13:], handleMAC(key, b[:13])) {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(b[1:9]), int(binary.BigEndian.Uint32(b[9:13])), true
}

// errBadHandle is ReceiptHandleIsInvalid.
func errBadHandle(h string) *Error {
	return fail(CodeReceiptHandleIsInvalid, "The input receipt handle \"%s\" is not a valid receipt handle.", h)
}
