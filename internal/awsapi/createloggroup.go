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
// forever until PutRetentionPolicy, with its tags. The KMS key is checked
// and not kept (the store does not encrypt); the class is kept for
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
	if err := l.store.CreateGroup(*in.LogGroupName, 0, class, in.Tags); err != nil {
		if errs.Is(errs.Exist, err) {
			return errAlreadyExists.With("The specified log group already exists")
		}
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
