package s3

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"slices"
	"strconv"
	"strings"
)

// crc64NVME is CRC-64/NVME's table: polynomial 0xad93d23594c93659,
// reflected, as hash/crc64 takes it.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// algorithms lists the checksum algorithms in a fixed order.
var algorithms = []string{AlgCRC32, AlgCRC32C, AlgCRC64NVME, AlgSHA1, AlgSHA256}

// newChecksum returns the hash of algorithm alg; ok is false for an
// unknown one.
func newChecksum(alg string) (h hash.Hash, ok bool) {
	switch alg {
	case AlgCRC32:
		return crc32.NewIEEE(), true
	case AlgCRC32C:
		return crc32.New(castagnoli), true
	case AlgCRC64NVME:
		return crc64.New(crc64NVME), true
	case AlgSHA1:
		return sha1.New(), true
	case AlgSHA256:
		return sha256.New(), true
	}
	return nil, false
}

// field is the field of c that holds algorithm alg.
func (c *Checksums) field(alg string) *string {
	switch alg {
	case AlgCRC32:
		return &c.CRC32
	case AlgCRC32C:
		return &c.CRC32C
	case AlgCRC64NVME:
		return &c.CRC64NVME
	case AlgSHA1:
		return &c.SHA1
	case AlgSHA256:
		return &c.SHA256
	}
	return nil
}

// get is c's checksum for alg ("" for none).
func (c *Checksums) get(alg string) string {
	if p := c.field(alg); p != nil {
		return *p
	}
	return ""
}

// algorithm is the algorithm of c's first checksum, "" for none.
func (c *Checksums) algorithm() string {
	for _, a := range algorithms {
		if c.get(a) != "" {
			return a
		}
	}
	return ""
}

// wanted lists the algorithms to compute: alg and those expected sums
// name. Unknown algorithm: ErrInvalidArgument.
func wanted(alg string, expected *Checksums) ([]string, error) {
	alg = strings.ToUpper(alg)
	var out []string
	for _, a := range algorithms {
		if a == alg || expected != nil && expected.get(a) != "" {
			out = append(out, a)
		}
	}
	if alg != "" && !slices.Contains(out, alg) {
		return nil, ErrInvalidArgument.Withf("Value for x-amz-checksum-algorithm header is invalid: %s", alg)
	}
	return out, nil
}

// A digester computes the MD5 and the checksums of what is written to it.
type digester struct {
	md5  hash.Hash
	algs []string
	sums []hash.Hash
	n    int64
}

func newDigester(algs []string) *digester {
	d := &digester{md5: md5.New(), algs: algs}
	for _, a := range algs {
		h, _ := newChecksum(a)
		d.sums = append(d.sums, h)
	}
	return d
}

func (d *digester) Write(p []byte) (int, error) {
	d.md5.Write(p)
	for _, h := range d.sums {
		h.Write(p)
	}
	d.n += int64(len(p))
	return len(p), nil
}

// etag is the quoted hex MD5.
func (d *digester) etag() string { return `"` + hex.EncodeToString(d.md5.Sum(nil)) + `"` }

// checksums are the computed checksums, full-object.
func (d *digester) checksums() Checksums {
	var c Checksums
	for i, a := range d.algs {
		*c.field(a) = base64.StdEncoding.EncodeToString(d.sums[i].Sum(nil))
	}
	if len(d.algs) > 0 {
		c.Type = checksumFull
	}
	return c
}

// verify checks the Content-MD5 (decoded; nil for none) and the expected
// checksums against what was computed.
func (d *digester) verify(contentMD5 []byte, expected *Checksums) error {
	if contentMD5 != nil && string(d.md5.Sum(nil)) != string(contentMD5) {
		return ErrBadDigest
	}
	if expected == nil {
		return nil
	}
	got := d.checksums()
	for _, a := range algorithms {
		want := expected.get(a)
		if want == "" {
			continue
		}
		if !slices.Contains(d.algs, a) {
			return ErrInvalidRequest.Withf("The x-amz-checksum-%s was sent without being announced.", strings.ToLower(a))
		}
		if got.get(a) != want {
			return ErrChecksumMismatch.Withf("The %s you specified did not match the calculated checksum.", a)
		}
	}
	return nil
}

// decodeContentMD5 decodes Content-MD5 ("" → nil).
func decodeContentMD5(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != md5.Size {
		return nil, ErrInvalidDigest
	}
	return b, nil
}

// multipartETag is S3's ETag of a multipart object: the MD5 of the
// parts' binary MD5s, "-N".
func multipartETag(partMD5s [][]byte) string {
	h := md5.New()
	for _, m := range partMD5s {
		h.Write(m)
	}
	return `"` + hex.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(partMD5s)) + `"`
}

// composite is the checksum of the parts' checksums (base64 each), "-N".
func composite(alg string, parts []string) (string, error) {
	h, _ := newChecksum(alg)
	for _, p := range parts {
		b, err := base64.StdEncoding.DecodeString(p)
		if err != nil || p == "" {
			return "", ErrInvalidPart.Withf("A part has no %s checksum.", alg)
		}
		h.Write(b)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts)), nil
}
