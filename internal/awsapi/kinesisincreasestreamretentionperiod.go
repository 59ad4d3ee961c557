package awsapi

import "net/http"

// increaseRetention is IncreaseStreamRetentionPeriod.
func (a *kinesisAPI) increaseRetention(w http.ResponseWriter, r *http.Request) error {
	return a.setRetention(w, r, true)
}
