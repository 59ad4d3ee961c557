package awsapi

import (
	"errors"
	"net/http"
	"regexp"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/logs"
)

// The tags of log groups: CreateLogGroup's, TagResource, UntagResource,
// ListTagsForResource and their older forms by group name, TagLogGroup,
// UntagLogGroup and ListTagsLogGroup.

// The model's patterns of tag keys and values, and of resource ARNs.
const (
	tagKeyPattern      = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$`
	tagValuePattern    = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`
	logsARNPattern     = `[\w+=/:,.@-]*`
	maxLogsARNLen      = 1011
	msgTooManyLogsTags = "A resource can have no more than 50 tags."
)

var (
	tagKeyRE   = regexp.MustCompile(tagKeyPattern)
	tagValueRE = regexp.MustCompile(tagValuePattern)
	logsARNRE  = regexp.MustCompile(`^` + logsARNPattern + `$`)
)

// checkLogTags checks a tags map against the model: 1 to 50 tags, keys of
// 1 to 128 characters and values of at most 256, of letters, digits,
// spaces and _.:/=+-@; a bad key or value is reported once for the map, as
// AWS does.
func checkLogTags(v *validation, tags map[string]string) {
	switch {
	case len(tags) < 1:
		*v = append(*v, "Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case len(tags) > maxLogTags:
		*v = append(*v, "Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	badKey, badValue := false, false
	for k, val := range tags {
		n, m := utf8.RuneCountInString(k), utf8.RuneCountInString(val)
		badKey = badKey || n < 1 || n > maxTagKeyLen || !tagKeyRE.MatchString(k)
		badValue = badValue || m > maxTagValueLen || !tagValueRE.MatchString(val)
	}
	if badKey {
		*v = append(*v, "Value at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: "+tagKeyPattern+"]")
	}
	if badValue {
		*v = append(*v, "Value at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must satisfy regular expression pattern: "+tagValuePattern+"]")
	}
}

// requireLogTags checks a required tags map (TagResource, TagLogGroup).
func requireLogTags(v *validation, tags map[string]string) {
	if tags == nil {
		v.add(nil, "tags", "Member must not be null")
		return
	}
	checkLogTags(v, tags)
}

// checkTagKeyList checks the keys an untag removes: at most 50 (at least
// min), each a valid key.
func checkTagKeyList(v *validation, member string, keys []string, min int) {
	v.list(member, keys == nil, len(keys), min, maxLogTags)
	for _, k := range keys {
		if n := utf8.RuneCountInString(k); n < 1 || n > maxTagKeyLen || !tagKeyRE.MatchString(k) {
			*v = append(*v, "Value at '"+member+"' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: "+tagKeyPattern+"]")
			return
		}
	}
}

// taggedGroup is the log group a resourceArn names, after checking it.
// Verge tags log groups only: another resource is not found.
func taggedGroup(resourceARN *string) (string, error) {
	var v validation
	if v.required(resourceARN, "resourceArn") {
		v.length(resourceARN, "resourceArn", 1, maxLogsARNLen)
		v.pattern(resourceARN, "resourceArn", logsARNRE, logsARNPattern)
	}
	if err := v.err(); err != nil {
		return "", err
	}
	name := groupName(*resourceARN)
	if name == *resourceARN {
		return "", errNotFound.With("The specified resource does not exist.")
	}
	return name, nil
}

// taggedResources is the log group ARN a resourceArn names, as IAM names
// it for the tag operations.
func taggedResources(r *http.Request) []string {
	var in struct {
		ResourceARN string `json:"resourceArn"`
	}
	if !peekJSON(r, &in) || in.ResourceARN == "" {
		return nil
	}
	return []string{arn.LogGroup(groupName(in.ResourceARN))}
}

// tagError is a logs.Store error of the tag operations as CloudWatch
// Logs answers it.
func tagError(err error) error {
	if errors.Is(err, logs.ErrTooManyTags) {
		return errTooManyTags.With(msgTooManyLogsTags)
	}
	return storeError(err)
}

// tagGroup adds tags to group: TagResource and TagLogGroup.
func (l *logsAPI) tagGroup(w http.ResponseWriter, group string, tags map[string]string) error {
	if err := l.store.Tag(group, tags); err != nil {
		return tagError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}

// untagGroup removes keys from group's tags: UntagResource and
// UntagLogGroup.
func (l *logsAPI) untagGroup(w http.ResponseWriter, group string, keys []string) error {
	if err := l.store.Untag(group, keys); err != nil {
		return tagError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}

// groupTags answers group's tags: ListTagsForResource and
// ListTagsLogGroup.
func (l *logsAPI) groupTags(w http.ResponseWriter, group string) error {
	tags, err := l.store.Tags(group)
	if err != nil {
		return tagError(err)
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return writeJSON(w, http.StatusOK, struct {
		Tags map[string]string `json:"tags"`
	}{tags})
}
