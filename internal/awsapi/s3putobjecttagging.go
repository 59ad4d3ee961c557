package awsapi

import (
	"encoding/xml"
	"io"
	"net/http"
)

// putObjectTagging is PutObjectTagging: the tag set replaces the object's.
func (a *s3API) putObjectTagging(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, s3MaxXML))
	if err != nil {
		return err
	}
	tags, err := parseTagSet(body)
	if err != nil {
		return err
	}
	if err := in.store.SetTags(r.Context(), in.Bucket, in.Key, tags); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// parseTagSet reads a Tagging document: unique keys, S3's limits.
func parseTagSet(body []byte) (map[string]string, error) {
	var t tagging
	if err := xml.Unmarshal(body, &t); err != nil {
		return nil, malformedXML()
	}
	tags := make(map[string]string, len(t.TagSet))
	for _, tag := range t.TagSet {
		if _, dup := tags[tag.Key]; dup {
			return nil, errS3InvalidTag.With("Cannot provide multiple Tags with the same key")
		}
		tags[tag.Key] = tag.Value
	}
	return tags, checkTags(tags)
}
