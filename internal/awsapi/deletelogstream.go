package awsapi

import "net/http"

// deleteLogStream is DeleteLogStream: the stream and its events.
func (l *logsAPI) deleteLogStream(w http.ResponseWriter, r *http.Request) error {
	group, stream, err := readStreamName(r)
	if err != nil {
		return err
	}
	if err := l.store.DeleteStream(group, stream); err != nil {
		return streamError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
