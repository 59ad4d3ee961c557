package s3

import "testing"

// TestSum: the checksums of "hello" as S3's x-amz-checksum-* headers carry
// them.
func TestSum(t *testing.T) {
	tests := map[string]string{
		"CRC32":  "NhCmhg==",
		"crc32c": "mnG7TA==",
		"SHA1":   "qvTGHdzF6KLavt4PO0gs2a6pQ00=",
		"SHA256": "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=",
	}
	for alg, want := range tests {
		if got, ok := Sum(alg, []byte("hello")); !ok || got != want {
			t.Errorf("Sum(%s) = %q %v, want %q", alg, got, ok, want)
		}
	}
	if _, ok := Sum("MD5", nil); ok {
		t.Error("MD5 taken")
	}
}
