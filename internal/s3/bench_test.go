package s3

import (
	"bytes"
	"context"
	"strconv"
	"sync/atomic"
	"testing"
)

// BenchmarkPut1KiB is the store's own cost of a 1 KiB PutObject (new keys,
// synced), one caller and b.RunParallel's: a plain one (no sidecar) and one
// as today's SDKs send it (a content type and a CRC32: a sidecar).
func BenchmarkPut1KiB(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	run := func(b *testing.B, parallel, sdk bool) {
		h := newHarness(b)
		ctx := context.Background()
		var n atomic.Int64
		put := func() {
			k := "obj/" + strconv.FormatInt(n.Add(1), 10)
			in := &PutInput{Bucket: "b", Key: k, Body: bytes.NewReader(body), Size: 1024}
			if sdk {
				in.ContentType, in.Algorithm = "application/octet-stream", AlgCRC32
			}
			if _, err := h.s.Put(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(1024)
		b.ResetTimer()
		if !parallel {
			for b.Loop() {
				put()
			}
			return
		}
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				put()
			}
		})
	}
	b.Run("plain/sequential", func(b *testing.B) { run(b, false, false) })
	b.Run("plain/parallel", func(b *testing.B) { run(b, true, false) })
	b.Run("sdk/sequential", func(b *testing.B) { run(b, false, true) })
	b.Run("sdk/parallel", func(b *testing.B) { run(b, true, true) })
}
