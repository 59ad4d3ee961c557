package awsapi

import "net/http"

// decreaseRetention is DecreaseStreamRetentionPeriod.
func (a *kinesisAPI) decreaseRetention(w http.ResponseWriter, r *http.Request) error {
	return a.setRetention(w, r, false)
}
