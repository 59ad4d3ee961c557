package awsapi

import "net/http"

// deleteQueue serves DeleteQueue.
func (a *sqsAPI) deleteQueue(w http.ResponseWriter, r *http.Request) error {
	name, err := a.readQueue(r)
	if err != nil {
		return err
	}
	if err := a.q().DeleteQueue(r.Context(), name); err != nil {
		return err
	}
	return a.write(w, r, "DeleteQueue", nil)
}
