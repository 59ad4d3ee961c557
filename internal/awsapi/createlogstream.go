package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/errs"
)

// createLogStream is CreateLogStream: an empty stream, listed by
// DescribeLogStreams and kept across restarts.
func (l *logsAPI) createLogStream(w http.ResponseWriter, r *http.Request) error {
	group, stream, err := readStreamName(r)
	if err != nil {
		return err
	}
	if err := l.store.CreateStream(group, stream); err != nil {
		if errs.Is(errs.Exist, err) {
			return errAlreadyExists.With("The specified log stream already exists")
		}
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
