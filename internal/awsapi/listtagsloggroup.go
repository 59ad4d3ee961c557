package awsapi

import "net/http"

// listTagsLogGroup is ListTagsLogGroup, ListTagsForResource's older form
// by group name.
func (l *logsAPI) listTagsLogGroup(w http.ResponseWriter, r *http.Request) error {
	var in namedGroup
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	v.groupName(in.LogGroupName)
	if err := v.err(); err != nil {
		return err
	}
	return l.groupTags(w, *in.LogGroupName)
}
