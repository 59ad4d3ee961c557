package awsapi

import "net/http"

// deleteLogGroup is DeleteLogGroup: the group, its streams and events. A
// function's group comes back with the function's next line, as on AWS
// where Lambda creates its group again.
func (l *logsAPI) deleteLogGroup(w http.ResponseWriter, r *http.Request) error {
	var in namedGroup
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	v.groupName(in.LogGroupName)
	if err := v.err(); err != nil {
		return err
	}
	if err := l.store.DeleteGroup(*in.LogGroupName); err != nil {
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
