package awsapi

import "net/http"

// Lambda's code size quotas, which GetAccountSettings reports.
const (
	quotaTotalCodeSize    = 80530636800
	quotaCodeSizeUnzipped = 262144000
	quotaCodeSizeZipped   = 52428800
)

type accountSettings struct {
	AccountLimit struct {
		TotalCodeSize                  int64 `json:"TotalCodeSize"`
		CodeSizeUnzipped               int64 `json:"CodeSizeUnzipped"`
		CodeSizeZipped                 int64 `json:"CodeSizeZipped"`
		ConcurrentExecutions           int   `json:"ConcurrentExecutions"`
		UnreservedConcurrentExecutions int   `json:"UnreservedConcurrentExecutions"`
	} `json:"AccountLimit"`
	AccountUsage struct {
		TotalCodeSize int64 `json:"TotalCodeSize"`
		FunctionCount int   `json:"FunctionCount"`
	} `json:"AccountUsage"`
}

// getAccountSettings is GetAccountSettings: Lambda's quotas, this node's
// concurrency and what the functions use.
func (l *lambdaAPI) getAccountSettings(w http.ResponseWriter, _ *http.Request) error {
	var out accountSettings
	a := &out.AccountLimit
	a.TotalCodeSize, a.CodeSizeUnzipped, a.CodeSizeZipped = quotaTotalCodeSize, quotaCodeSizeUnzipped, quotaCodeSizeZipped
	a.ConcurrentExecutions, a.UnreservedConcurrentExecutions = l.fns.Limits()
	for _, c := range l.fns.Configs() {
		out.AccountUsage.FunctionCount++
		out.AccountUsage.TotalCodeSize += c.CodeSize
	}
	return writeJSON(w, http.StatusOK, out)
}
