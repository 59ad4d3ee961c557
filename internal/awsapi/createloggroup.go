package awsapi

import (
	"net/http"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/errs"
)

// The model's patterns of tag keys and values.
const (
	tagKeyPattern   = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$`
	tagValuePattern = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`
)

var (
	tagKeyRE   = regexp.MustCompile(tagKeyPattern)
	tagValueRE = regexp.MustCompile(tagValuePattern)
)

type createLogGroupInput struct {
	LogGroupName  *string           `json:"logGroupName"`
	KmsKeyID      *string           `json:"kmsKeyId"`
	Tags          map[string]string `json:"tags"`
	LogGroupClass *string           `json:"logGroupClass"`
}

// createLogGroup is CreateLogGroup: a group that keeps its events
// forever until PutRetentionPolicy. The KMS key and tags are checked and
// not kept (the store does not encrypt); the class is kept for
// DescribeLogGroups and changes nothing else.
func (l *logsAPI) createLogGroup(w http.ResponseWriter, r *http.Request) error {
	var in createLogGroupInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	v.groupName(in.LogGroupName)
	v.length(in.KmsKeyID, "kmsKeyId", 0, maxKMSKeyIDLen)
	if in.Tags != nil {
		checkLogTags(&v, in.Tags)
	}
	if c := in.LogGroupClass; c != nil && !slices.Contains(logGroupClasses, *c) {
		v.add(c, "logGroupClass", "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	if err := v.err(); err != nil {
		return err
	}
	class := logGroupClassStandard
	if in.LogGroupClass != nil {
		class = *in.LogGroupClass
	}
	if err := l.store.CreateGroup(*in.LogGroupName, 0, class); err != nil {
		if errs.Is(errs.Exist, err) {
			return errAlreadyExists.With("The specified log group already exists")
		}
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}

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
