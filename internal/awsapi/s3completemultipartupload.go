package awsapi

import (
	"encoding/xml"
	"io"
	"net/http"

	"github.com/verge-edge/verge/internal/s3"
)

// completeMultipartUpload is CompleteMultipartUpload: the listed parts
// become the object. Errors are answered as any operation's (S3 may send
// a 200 whose body is an error after a long assembly; Verge answers once
// it is done, so the status says it).
func (a *s3API) completeMultipartUpload(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, s3MaxXML))
	if err != nil {
		return err
	}
	parts, err := parseComplete(body)
	if err != nil {
		return err
	}
	info, err := in.store.Complete(r.Context(), in.Bucket, in.Key, r.URL.Query().Get(qUploadID), parts)
	if err != nil {
		return err
	}
	out := completeMultipartUploadResult{NS: s3Namespace, Location: objectURL(r, in), Bucket: in.Bucket, Key: in.Key,
		ETag: info.ETag, xmlChecksums: xmlSums(info.Checksums)}
	return writeS3XML(w, out)
}

// parseComplete reads Complete's part list: at least one part, numbers in
// range (their order is the store's to check: InvalidPartOrder).
func parseComplete(body []byte) ([]s3.CompletedPart, error) {
	var req completeRequest
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Parts) == 0 || len(req.Parts) > s3MaxPartNumber {
		return nil, malformedXML()
	}
	parts := make([]s3.CompletedPart, len(req.Parts))
	for i, p := range req.Parts {
		if p.PartNumber < 1 || p.PartNumber > s3MaxPartNumber {
			return nil, s3Invalid("Part number must be an integer between 1 and 10000, inclusive")
		}
		parts[i] = s3.CompletedPart{Number: p.PartNumber, ETag: p.ETag, Checksums: s3.Checksums{
			CRC32: p.ChecksumCRC32, CRC32C: p.ChecksumCRC32C, CRC64NVME: p.ChecksumCRC64NVME, SHA1: p.ChecksumSHA1, SHA256: p.ChecksumSHA256}}
	}
	return parts, nil
}

// objectURL is the object's URL as the client addressed the endpoint.
func objectURL(r *http.Request, in *s3Call) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/" + in.Bucket + "/" + in.Key
}
