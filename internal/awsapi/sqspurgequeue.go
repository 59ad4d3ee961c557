package awsapi

import "net/http"

// purgeQueue serves PurgeQueue.
func (a *sqsAPI) purgeQueue(w http.ResponseWriter, r *http.Request) error {
	var in queueIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	if err := a.q().Purge(r.Context(), name); err != nil {
		return err
	}
	return a.write(w, r, "PurgeQueue", nil)
}
