package awsapi

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/verge-edge/verge/internal/kinesis"
)

// checkStreamTags validates the tags a call adds (member "tags").
func checkStreamTags(v *violations, tags map[string]string) {
	switch {
	case tags == nil:
		v.null("tags")
	case len(tags) == 0:
		v.add("{}", "tags", "Member must have length greater than or equal to 1")
	case len(tags) > maxTagsPerCall:
		v.add("{"+strconv.Itoa(len(tags))+" tags}", "tags", "Member must have length less than or equal to "+strconv.Itoa(maxTagsPerCall))
	}
}

// checkTagKeys validates the keys a call removes (member "tagKeys").
func checkTagKeys(v *violations, keys []string) {
	switch {
	case keys == nil:
		v.null("tagKeys")
	case len(keys) == 0:
		v.add("[]", "tagKeys", "Member must have length greater than or equal to 1")
	case len(keys) > maxTagsPerCall:
		v.add("["+strconv.Itoa(len(keys))+" keys]", "tagKeys", "Member must have length less than or equal to "+strconv.Itoa(maxTagsPerCall))
	}
}

// tag adds tags to the stream name resolves (by StreamName/StreamARN or by
// ResourceARN): AddTagsToStream and TagResource.
func (a *kinesisAPI) tag(w http.ResponseWriter, r *http.Request, tags map[string]string, name func() (string, error)) error {
	var v violations
	checkStreamTags(&v, tags)
	if err := v.err(); err != nil {
		return err
	}
	stream, err := name()
	if err != nil {
		return err
	}
	if err := a.k().Tag(r.Context(), stream, tags); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}

// untag removes tag keys from the stream name resolves:
// RemoveTagsFromStream and UntagResource.
func (a *kinesisAPI) untag(w http.ResponseWriter, r *http.Request, keys []string, name func() (string, error)) error {
	var v violations
	checkTagKeys(&v, keys)
	if err := v.err(); err != nil {
		return err
	}
	stream, err := name()
	if err != nil {
		return err
	}
	if err := a.k().Untag(r.Context(), stream, keys); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}

// sortedTags are tags as the list operations write them, by key.
func sortedTags(tags map[string]string) []wireTag {
	out := make([]wireTag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, wireTag{Key: k, Value: tags[k]})
	}
	return out
}

// taggedStream is the stream a TagResource-style ResourceARN names.
func taggedStream(resourceARN string) (string, error) {
	var v violations
	v.required(resourceARN, "resourceARN")
	if err := v.err(); err != nil {
		return "", err
	}
	if consumerARNPattern.MatchString(resourceARN) {
		return "", &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "Verge keeps tags on streams only, not on consumer " + resourceARN + "."}
	}
	name, ok := streamName(resourceARN)
	if !ok {
		return "", &kinesis.Error{Code: kinesis.CodeResourceNotFound, Message: "Resource " + resourceARN + " not found."}
	}
	return name, nil
}
