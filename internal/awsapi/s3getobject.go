package awsapi

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/verge-edge/verge/internal/s3"
)

// getObject is GetObject: the object, or one range of it (206), after its
// conditions. The file is streamed, never held.
func (a *s3API) getObject(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	obj, err := in.store.Open(r.Context(), in.Bucket, in.Key)
	if err != nil {
		return err
	}
	defer obj.File.Close()
	first, last, status, err := readPlan(w, r, &obj.ObjectInfo)
	if err != nil {
		return err
	}
	if _, err := obj.File.Seek(first, io.SeekStart); err != nil {
		return err
	}
	w.WriteHeader(status)
	_, err = io.CopyN(w, obj.File, last-first+1)
	if err != nil {
		// The status is sent: all that is left is to cut the response.
		panic(http.ErrAbortHandler)
	}
	return nil
}

// headObject is HeadObject: GetObject's headers, no body; an error is its
// status alone.
func (a *s3API) headObject(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	info, err := in.store.Head(r.Context(), in.Bucket, in.Key)
	if err != nil {
		return err
	}
	_, _, status, err := readPlan(w, r, &info)
	if err != nil {
		return err
	}
	w.WriteHeader(status)
	return nil
}

// readPlan checks a read's conditions, part number and range against o,
// sets the response's headers and says which bytes to send with which
// status.
func readPlan(w http.ResponseWriter, r *http.Request, o *s3.ObjectInfo) (first, last int64, status int, err error) {
	h := w.Header()
	if err := readConditions(r.Header).check(o.ETag, o.LastModified, false); err != nil {
		h.Set(HeaderETag, o.ETag)
		h.Set(hdrLastModified, o.LastModified.UTC().Format(http.TimeFormat))
		return 0, 0, 0, err
	}
	if err := checkPartNumber(r, o); err != nil {
		return 0, 0, 0, err
	}
	first, last, ranged, err := parseRange(r.Header.Get(hdrRange), o.Size)
	if err != nil {
		h.Set(hdrContentRange, "bytes */"+strconv.FormatInt(o.Size, 10))
		return 0, 0, 0, err
	}
	writeObjectHeaders(w, r, o)
	status = http.StatusOK
	if ranged {
		status = http.StatusPartialContent
		h.Set(hdrContentRange, fmt.Sprintf("bytes %d-%d/%d", first, last, o.Size))
	} else {
		first, last = 0, o.Size-1
		if r.Header.Get(hdrChecksumMode) == checksumEnabled {
			writeChecksums(h, o.Checksums)
		}
	}
	h.Set("Content-Length", strconv.FormatInt(last-first+1, 10))
	return first, last, status, nil
}

// checkPartNumber allows partNumber=1 of an object uploaded whole (the
// object itself, as S3 answers); parts of a multipart object are not
// kept apart once completed.
func checkPartNumber(r *http.Request, o *s3.ObjectInfo) error {
	q := r.URL.Query()
	if !q.Has(qPartNumber) {
		return nil
	}
	n, err := strconv.Atoi(q.Get(qPartNumber))
	switch {
	case err != nil || n < 1 || n > s3MaxPartNumber:
		return s3Invalid("Part number must be an integer between 1 and 10000, inclusive")
	case o.Parts > 0:
		return errS3NotImplemented.With("Verge does not serve a completed multipart object's parts apart: use a Range")
	case n != 1:
		return errS3InvalidPartNumber.With("The requested partnumber is not satisfiable")
	}
	return nil
}
