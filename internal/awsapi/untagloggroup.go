package awsapi

import "net/http"

// untagLogGroup is UntagLogGroup, UntagResource's older form by group
// name; its member "tags" is the list of keys.
func (l *logsAPI) untagLogGroup(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		LogGroupName *string  `json:"logGroupName"`
		Tags         []string `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	v.groupName(in.LogGroupName)
	checkTagKeyList(&v, "tags", in.Tags, 1)
	if err := v.err(); err != nil {
		return err
	}
	return l.untagGroup(w, *in.LogGroupName, in.Tags)
}
