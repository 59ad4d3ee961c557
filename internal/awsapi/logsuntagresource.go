package awsapi

import "net/http"

// untagResource is UntagResource on a log group's ARN.
func (l *logsAPI) untagResource(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ResourceARN *string  `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	checkTagKeyList(&v, "tagKeys", in.TagKeys, 0)
	if err := v.err(); err != nil {
		return err
	}
	group, err := taggedGroup(in.ResourceARN)
	if err != nil {
		return err
	}
	return l.untagGroup(w, group, in.TagKeys)
}
