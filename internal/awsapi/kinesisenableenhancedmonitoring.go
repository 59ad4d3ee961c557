package awsapi

import "net/http"

// enableEnhancedMonitoring is EnableEnhancedMonitoring: the metrics are
// recorded and reported by DescribeStream; Verge emits no CloudWatch
// metrics.
func (a *kinesisAPI) enableEnhancedMonitoring(w http.ResponseWriter, r *http.Request) error {
	return a.monitor(w, r, true)
}
