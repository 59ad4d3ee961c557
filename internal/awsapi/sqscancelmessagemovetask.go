package awsapi

import (
	"net/http"
	"net/url"
)

type cancelMoveIn struct {
	TaskHandle string
}

func (in *cancelMoveIn) fromForm(f url.Values) { in.TaskHandle = f.Get("TaskHandle") }

type cancelMoveOut struct {
	ApproximateNumberOfMessagesMoved int64 `json:"ApproximateNumberOfMessagesMoved" xml:"ApproximateNumberOfMessagesMoved"`
}

// cancelMessageMoveTask serves CancelMessageMoveTask.
func (a *sqsAPI) cancelMessageMoveTask(w http.ResponseWriter, r *http.Request) error {
	var in cancelMoveIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	if in.TaskHandle == "" {
		return missing("TaskHandle")
	}
	moved, err := a.q().CancelMoveTask(in.TaskHandle)
	if err != nil {
		return err
	}
	return a.write(w, r, "CancelMessageMoveTask", cancelMoveOut{moved})
}
