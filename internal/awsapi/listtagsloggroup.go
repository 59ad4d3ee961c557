package awsapi

import "net/http"

// listTagsLogGroup is ListTagsLogGroup, ListTagsForResource's older form
// by group name.
func (l *logsAPI) listTagsLogGroup(w http.ResponseWriter, r *http.Request) error {
	group, err := readGroupName(r)
	if err != nil {
		return err
	}
	return l.groupTags(w, group)
}
