package awsapi

import "net/http"

type getFunctionOutput struct {
	Configuration functionConfiguration `json:"Configuration"`
	Code          codeLocation          `json:"Code"`
	Tags          map[string]string     `json:"Tags"`
	Concurrency   *concurrency          `json:"Concurrency,omitempty"`
}

type codeLocation struct {
	RepositoryType string `json:"RepositoryType"`
	// Location is where Lambda lets one download the package; Verge's
	// packages are built from the stack folder, which is where the code is.
	Location string `json:"Location"`
}

type concurrency struct {
	ReservedConcurrentExecutions *int `json:"ReservedConcurrentExecutions,omitempty"`
}

// getFunction is GetFunction: the configuration, and the concurrency when
// the function reserves some.
func (l *lambdaAPI) getFunction(w http.ResponseWriter, r *http.Request) error {
	c, err := l.config(r)
	if err != nil {
		return err
	}
	out := getFunctionOutput{Configuration: configuration(c), Code: codeLocation{RepositoryType: "S3"}, Tags: map[string]string{}}
	if c.ReservedConcurrency != nil {
		out.Concurrency = &concurrency{ReservedConcurrentExecutions: c.ReservedConcurrency}
	}
	return writeJSON(w, http.StatusOK, out)
}

// getFunctionConfiguration is GetFunctionConfiguration.
func (l *lambdaAPI) getFunctionConfiguration(w http.ResponseWriter, r *http.Request) error {
	c, err := l.config(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, configuration(c))
}

// getConcurrency is GetFunctionConcurrency: empty when the function
// reserves none.
func (l *lambdaAPI) getConcurrency(w http.ResponseWriter, r *http.Request) error {
	c, err := l.config(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: c.ReservedConcurrency})
}
