package awsapi

import "net/http"

// describeFunction is DescribeFunction: a cdn-function's summary, and its
// ETag, which TestFunction's If-Match names.
func (c *cloudFront) describeFunction(w http.ResponseWriter, r *http.Request) error {
	stage, err := stageOf(r.URL.Query().Get("Stage"), stageDevelopment)
	if err != nil {
		return err
	}
	f, err := c.function(r.PathValue(pathCFFunction))
	if err != nil {
		return err
	}
	s := functionSummary(f, stage)
	s.XMLName.Space = cfNamespace
	w.Header().Set(HeaderETag, f.ETag)
	return writeCF(w, http.StatusOK, s)
}
