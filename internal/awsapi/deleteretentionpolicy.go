package awsapi

import "net/http"

// deleteRetentionPolicy is DeleteRetentionPolicy: the group keeps its
// events forever.
func (l *logsAPI) deleteRetentionPolicy(w http.ResponseWriter, r *http.Request) error {
	var in namedGroup
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	v.groupName(in.LogGroupName)
	if err := v.err(); err != nil {
		return err
	}
	if err := l.store.SetRetention(*in.LogGroupName, 0); err != nil {
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
