package awsapi

import "net/http"

// disableEnhancedMonitoring is DisableEnhancedMonitoring.
func (a *kinesisAPI) disableEnhancedMonitoring(w http.ResponseWriter, r *http.Request) error {
	return a.monitor(w, r, false)
}
