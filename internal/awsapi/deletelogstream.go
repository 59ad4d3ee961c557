package awsapi

import "net/http"

// deleteLogStream is DeleteLogStream: the stream and its events.
func (l *logsAPI) deleteLogStream(w http.ResponseWriter, r *http.Request) error {
	var in namedStream
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	v.groupName(in.LogGroupName)
	v.streamName(in.LogStreamName)
	if err := v.err(); err != nil {
		return err
	}
	if err := l.store.DeleteStream(*in.LogGroupName, *in.LogStreamName); err != nil {
		return streamError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
