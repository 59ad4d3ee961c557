package awsapi

import (
	"net/http"
	"net/url"

	"github.com/verge-edge/verge/internal/sqs"
)

type startMoveIn struct {
	SourceArn                    string
	DestinationArn               string
	MaxNumberOfMessagesPerSecond *int
}

func (in *startMoveIn) fromForm(f url.Values) {
	in.SourceArn, in.DestinationArn = f.Get("SourceArn"), f.Get("DestinationArn")
	in.MaxNumberOfMessagesPerSecond = formInt(f, "MaxNumberOfMessagesPerSecond")
}

type taskHandleOut struct {
	TaskHandle string `json:"TaskHandle" xml:"TaskHandle"`
}

// startMessageMoveTask serves StartMessageMoveTask.
func (a *sqsAPI) startMessageMoveTask(w http.ResponseWriter, r *http.Request) error {
	var in startMoveIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	if in.SourceArn == "" {
		return missing("SourceArn")
	}
	rate := 0
	if in.MaxNumberOfMessagesPerSecond != nil {
		rate = *in.MaxNumberOfMessagesPerSecond
		if rate < 1 {
			return &sqs.Error{Code: sqs.CodeInvalidParameterValue, Message: "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500."}
		}
	}
	h, err := a.q().StartMoveTask(r.Context(), in.SourceArn, in.DestinationArn, rate)
	if err != nil {
		return err
	}
	return a.write(w, r, "StartMessageMoveTask", taskHandleOut{h})
}
