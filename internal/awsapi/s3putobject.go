package awsapi

import (
	"io"
	"net/http"

	"github.com/verge-edge/verge/internal/s3"
)

// putObject is PutObject: the body streamed to the store, which checks
// Content-MD5 and the checksums (a trailer's once the body is read).
func (a *s3API) putObject(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	if r.ContentLength < 0 {
		return errS3MissingLength.With(errS3MissingLength.Message)
	}
	pi, err := putInput(r, in)
	if err != nil {
		return err
	}
	info, err := in.store.Put(r.Context(), pi)
	if err != nil {
		return err
	}
	w.Header().Set(HeaderETag, info.ETag)
	writeChecksums(w.Header(), info.Checksums)
	w.WriteHeader(http.StatusOK)
	return nil
}

// putInput reads a write's headers: PutObject's and, without the body,
// CreateMultipartUpload's.
func putInput(r *http.Request, in *s3Call) (*s3.PutInput, error) {
	alg, expected, err := checksumOf(r.Header)
	if err != nil {
		return nil, err
	}
	var tags map[string]string
	if v := r.Header.Get(hdrTagging); v != "" {
		if tags, err = parseTagging(v); err != nil {
			return nil, err
		}
	}
	pi := &s3.PutInput{
		Bucket: in.Bucket, Key: in.Key, Size: r.ContentLength, Headers: storedHeaders(r.Header), Tags: tags,
		ContentMD5: r.Header.Get(hdrContentMD5), Algorithm: alg, Expected: expected,
		IfNoneMatch: r.Header.Get(hdrIfNoneMatch), IfMatch: r.Header.Get(HeaderIfMatch),
	}
	pi.Body = trailerBody(r, expected)
	return pi, nil
}

// trailerBody is r's body that, once read to its end, copies the
// trailer's checksums (an aws-chunked upload's x-amz-checksum-*) into
// expected, where the store reads them after io.EOF.
func trailerBody(r *http.Request, expected *s3.Checksums) io.Reader {
	return &trailerReader{r: r, expected: expected}
}

type trailerReader struct {
	r        *http.Request
	expected *s3.Checksums
}

func (t *trailerReader) Read(p []byte) (int, error) {
	n, err := t.r.Body.Read(p)
	if err == io.EOF {
		for _, alg := range s3Algorithms {
			if v := t.r.Trailer.Get(hdrChecksumPrefix + alg); v != "" {
				setChecksum(t.expected, alg, v)
			}
		}
	}
	return n, err
}
