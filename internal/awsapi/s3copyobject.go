package awsapi

import (
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/s3"
)

// copyObject is CopyObject: metadata and tags from the source (COPY, the
// default) or the request (REPLACE), after the source's conditions.
func (a *s3API) copyObject(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	src, err := copySource(r, in)
	if err != nil {
		return err
	}
	meta, err := directive(r.Header.Get(hdrMetadataDirective), hdrMetadataDirective)
	if err != nil {
		return err
	}
	tagDir, err := directive(r.Header.Get(hdrTaggingDirective), hdrTaggingDirective)
	if err != nil {
		return err
	}
	if src.Bucket == in.Bucket && src.Key == in.Key && meta != directiveReplace {
		return errS3InvalidRequest.With("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	alg, _, err := checksumOf(r.Header)
	if err != nil {
		return err
	}
	ci := &s3.CopyInput{SrcBucket: src.Bucket, SrcKey: src.Key, Bucket: in.Bucket, Key: in.Key,
		Replace: meta == directiveReplace, Headers: storedHeaders(r.Header), ReplaceTags: tagDir == directiveReplace, Algorithm: alg}
	if ci.ReplaceTags {
		if ci.Tags, err = parseTagging(r.Header.Get(hdrTagging)); err != nil {
			return err
		}
	}
	info, err := in.store.Copy(r.Context(), ci)
	if err != nil {
		return err
	}
	out := copyObjectResult{NS: s3Namespace, LastModified: s3Time(info.LastModified), ETag: info.ETag, xmlChecksums: xmlSums(info.Checksums)}
	return writeS3XML(w, out)
}

// directive reads x-amz-metadata-directive or x-amz-tagging-directive.
func directive(v, header string) (string, error) {
	switch strings.ToUpper(v) {
	case "", directiveCopy:
		return directiveCopy, nil
	case directiveReplace:
		return directiveReplace, nil
	}
	return "", s3Invalid("Unknown %s.", strings.ToLower(header))
}

// copySourceGrant is the read a copy makes: s3:GetObject on its source.
func (a *s3API) copySourceGrant(r *http.Request) []Grant {
	b, k, err := parseCopySource(r.Header.Get(hdrCopySource))
	if err != nil {
		return nil // the handler refuses it
	}
	return []Grant{{Action: "s3:GetObject", Resources: []string{arn.Bucket(b) + "/" + k}}}
}

// xmlSums are c's checksums as a document's elements.
func xmlSums(c s3.Checksums) xmlChecksums {
	x := xmlChecksums{ChecksumCRC32: c.CRC32, ChecksumCRC32C: c.CRC32C, ChecksumCRC64NVME: c.CRC64NVME, ChecksumSHA1: c.SHA1, ChecksumSHA256: c.SHA256}
	if checksumAlgorithm(c) != "" {
		x.ChecksumType = c.Type
	}
	return x
}
