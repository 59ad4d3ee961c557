package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
)

type destination struct {
	Destination string `json:"Destination,omitempty"`
}

type eventInvokeConfig struct {
	FunctionArn              string  `json:"FunctionArn"`
	LastModified             float64 `json:"LastModified"`
	MaximumRetryAttempts     int     `json:"MaximumRetryAttempts"`
	MaximumEventAgeInSeconds int     `json:"MaximumEventAgeInSeconds"`
	DestinationConfig        struct {
		OnSuccess destination `json:"OnSuccess"`
		OnFailure destination `json:"OnFailure"`
	} `json:"DestinationConfig"`
}

// getEventInvokeConfig is GetFunctionEventInvokeConfig: the function's
// asynchronous invocation settings from the stack file.
func (l *lambdaAPI) getEventInvokeConfig(w http.ResponseWriter, r *http.Request) error {
	c, err := l.config(r)
	if err != nil {
		return err
	}
	out := eventInvokeConfig{FunctionArn: arn.Function(c.Name, qualifierOrLatest(r)), LastModified: epoch(c.Modified),
		MaximumRetryAttempts: c.MaxRetryAttempts, MaximumEventAgeInSeconds: c.MaxEventAgeSeconds}
	out.DestinationConfig.OnSuccess.Destination = c.OnSuccess
	out.DestinationConfig.OnFailure.Destination = c.OnFailure
	return writeJSON(w, http.StatusOK, out)
}

// qualifierOrLatest is the request's qualifier, "$LATEST" when it has none.
func qualifierOrLatest(r *http.Request) string {
	_, q, _ := parseFunctionName(r.PathValue(pathName))
	if qq := r.URL.Query().Get(QueryQualifier); qq != "" {
		q = qq
	}
	if q == "" {
		return "$LATEST"
	}
	return q
}
