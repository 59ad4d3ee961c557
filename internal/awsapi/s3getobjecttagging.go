package awsapi

import (
	"maps"
	"net/http"
	"slices"
)

// getObjectTagging is GetObjectTagging: the tag set, by key.
func (a *s3API) getObjectTagging(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	tags, err := in.store.Tags(r.Context(), in.Bucket, in.Key)
	if err != nil {
		return err
	}
	out := tagging{NS: s3Namespace, TagSet: []xmlTag{}}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out.TagSet = append(out.TagSet, xmlTag{Key: k, Value: tags[k]})
	}
	return writeS3XML(w, out)
}
