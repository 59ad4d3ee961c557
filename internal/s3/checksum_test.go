package s3

import (
	"encoding/base64"
	"encoding/binary"
	"testing"
)

// TestChecksums checks each algorithm against published check values.
func TestChecksums(t *testing.T) {
	b64 := func(v uint64, n int) string {
		b := make([]byte, 8)
		binary.BigEndian.PutUint64(b, v)
		return base64.StdEncoding.EncodeToString(b[8-n:])
	}
	tests := []struct{ alg, in, want string }{
		// The CRC catalogue's check values over "123456789".
		{AlgCRC32, "123456789", b64(0xcbf43926, 4)},
		{AlgCRC32C, "123456789", b64(0xe3069283, 4)},
		{AlgCRC64NVME, "123456789", b64(0xae8b14860a799888, 8)},
		{AlgSHA1, "hello world", "Kq5sNclPz7QV2+lfQIuc6R7oRu0="},
		{AlgSHA256, "hello world", "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="},
	}
	for _, tc := range tests {
		t.Run(tc.alg, func(t *testing.T) {
			d := newDigester([]string{tc.alg})
			d.Write([]byte(tc.in))
			c := d.checksums()
			if got := c.get(tc.alg); got != tc.want || c.Type != "FULL_OBJECT" {
				t.Errorf("%s(%q) = %s (%s), want %s", tc.alg, tc.in, got, c.Type, tc.want)
			}
			if err := d.verify(nil, &Checksums{}); err != nil {
				t.Error(err)
			}
			exp := &Checksums{}
			*exp.field(tc.alg) = tc.want
			if err := d.verify(nil, exp); err != nil {
				t.Errorf("verify: %v", err)
			}
		})
	}
	if _, err := wanted("CRC16", nil); err == nil {
		t.Error("unknown algorithm accepted")
	}
	if _, err := decodeContentMD5("AAAA"); err == nil {
		t.Error("a 3-byte Content-MD5 accepted")
	}
}

// FuzzDecodeRecord: a sidecar decoder never panics and refuses records
// without key or ETag.
func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte(`{"key":"a","file":{"size":1,"mtime":2,"ino":3},"etag":"\"x\"","Metadata":{"a":"b"},"tags":{"t":"v"},"checksums":{"CRC32":"AAAAAA==","Type":"FULL_OBJECT"},"parts":2}`))
	f.Add([]byte(`{"key":""}`))
	f.Add([]byte(`{"key":"a","etag":"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecord(b)
		if err == nil && (r.Key == "" || r.ETag == "") {
			t.Fatalf("accepted %+v", r)
		}
	})
}
