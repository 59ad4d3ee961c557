package awsapi

import (
	"net/http"
	"slices"

	"github.com/verge-edge/verge/internal/errs"
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
// 1 to 128 characters, values of at most 256.
func checkLogTags(v *validation, tags map[string]string) {
	if len(tags) < 1 || len(tags) > maxLogTags {
		bound := "greater than or equal to 1"
		if len(tags) > maxLogTags {
			bound = "less than or equal to 50"
		}
		*v = append(*v, "Value at 'tags' failed to satisfy constraint: Member must have length "+bound)
	}
	for k, val := range tags {
		v.length(&k, "tags.key", 1, maxTagKeyLen)
		v.length(&val, "tags."+k+".member", 0, maxTagValueLen)
	}
}
