package awsapi

import "net/http"

// tagLogGroup is TagLogGroup, TagResource's older form by group name.
func (l *logsAPI) tagLogGroup(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		LogGroupName *string           `json:"logGroupName"`
		Tags         map[string]string `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	v.groupName(in.LogGroupName)
	requireLogTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return err
	}
	return l.tagGroup(w, *in.LogGroupName, in.Tags)
}
