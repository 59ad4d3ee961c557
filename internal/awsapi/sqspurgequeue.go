package awsapi

import "net/http"

// purgeQueue serves PurgeQueue.
func (a *sqsAPI) purgeQueue(w http.ResponseWriter, r *http.Request) error {
	name, err := a.readQueue(r)
	if err != nil {
		return err
	}
	if err := a.q().Purge(r.Context(), name); err != nil {
		return err
	}
	return a.write(w, r, "PurgeQueue", nil)
}
