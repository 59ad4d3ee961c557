package awsapi

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/s3"
)

// deleteObjects is DeleteObjects: up to 1,000 keys, each deleted or
// failed on its own; Quiet lists the failures only. S3 requires the body's
// Content-MD5 or an x-amz-checksum-*.
func (a *s3API) deleteObjects(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	body, err := readS3XML(r)
	if err != nil {
		return err
	}
	req, err := parseDelete(body)
	if err != nil {
		return err
	}
	out := deleteResult{NS: s3Namespace}
	for _, o := range req.Objects {
		err := deleteOne(r, in, o.Key, o.VersionID)
		var se *s3.Error
		switch {
		case err == nil && !req.Quiet:
			out.Deleted = append(out.Deleted, deletedObject{Key: o.Key})
		case errors.As(err, &se):
			out.Errors = append(out.Errors, deleteError{Key: o.Key, Code: se.Code, Message: se.Message})
		case err != nil:
			out.Errors = append(out.Errors, deleteError{Key: o.Key, Code: "InternalError", Message: err.Error()})
		}
	}
	return writeS3XML(w, out)
}

// deleteResources are the objects a DeleteObjects request names, each
// checked for s3:DeleteObject as S3 does; the body read is put back for
// the handler (with the read's error, if any). A document that does not
// parse is the bucket's (the handler refuses it).
func (a *s3API) deleteResources(r *http.Request) []string {
	b := arn.Bucket(a.target(r).Bucket)
	body, err := io.ReadAll(io.LimitReader(r.Body, s3MaxXML+1))
	r.Body = replayBody{io.MultiReader(bytes.NewReader(body), errReader{err}), r.Body}
	req, perr := parseDelete(body)
	if err != nil || perr != nil {
		return []string{b}
	}
	var out []string
	seen := map[string]bool{}
	for _, o := range req.Objects {
		if !seen[o.Key] {
			seen[o.Key] = true
			out = append(out, b+"/"+o.Key)
		}
	}
	return out
}

// errReader is a reader at its end: io.EOF, or the error that ended it.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// deleteOne deletes one key of the list.
func deleteOne(r *http.Request, in *s3Call, key, version string) error {
	switch {
	case len(key) > s3MaxKeyLen:
		return s3.ErrKeyTooLong
	case version != "" && version != "null":
		return s3.ErrInvalidArgument.With("Verge keeps no object versions")
	}
	return in.store.Delete(r.Context(), in.Bucket, key)
}

// readS3XML reads a request's XML document and checks it against its
// Content-MD5 or x-amz-checksum-* header, one of which DeleteObjects
// requires, as S3 does.
func readS3XML(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, s3MaxXML+1))
	if err != nil {
		return nil, err
	}
	if len(body) > s3MaxXML {
		return nil, errS3MalformedXML.With("The XML you provided was larger than the maximum allowed.")
	}
	md, checked := r.Header.Get(hdrContentMD5), false
	if md != "" {
		sum := md5.Sum(body)
		if md != base64.StdEncoding.EncodeToString(sum[:]) {
			return nil, s3.ErrBadDigest
		}
		checked = true
	}
	for _, alg := range s3Algorithms {
		if want := r.Header.Get(hdrChecksumPrefix + alg); want != "" {
			if got, _ := s3.Sum(alg, body); got != want {
				return nil, s3.ErrChecksumMismatch.Withf("The %s you specified did not match the calculated checksum.", alg)
			}
			checked = true
		}
	}
	if !checked {
		return nil, errS3InvalidRequest.With("Missing required header for this request: Content-MD5 OR x-amz-checksum-*")
	}
	return body, nil
}

// parseDelete reads DeleteObjects' document: 1 to 1,000 objects.
func parseDelete(body []byte) (*deleteRequest, error) {
	var req deleteRequest
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Objects) == 0 || len(req.Objects) > s3MaxDeleteKeys {
		return nil, malformedXML()
	}
	return &req, nil
}
