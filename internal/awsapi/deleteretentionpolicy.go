package awsapi

import "net/http"

// deleteRetentionPolicy is DeleteRetentionPolicy: the group keeps its
// events forever.
func (l *logsAPI) deleteRetentionPolicy(w http.ResponseWriter, r *http.Request) error {
	group, err := readGroupName(r)
	if err != nil {
		return err
	}
	if err := l.store.SetRetention(group, 0); err != nil {
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
