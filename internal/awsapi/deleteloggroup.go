package awsapi

import "net/http"

// deleteLogGroup is DeleteLogGroup: the group, its streams and events. A
// function's group comes back with the function's next line, as on AWS
// where Lambda creates its group again.
func (l *logsAPI) deleteLogGroup(w http.ResponseWriter, r *http.Request) error {
	group, err := readGroupName(r)
	if err != nil {
		return err
	}
	if err := l.store.DeleteGroup(group); err != nil {
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
