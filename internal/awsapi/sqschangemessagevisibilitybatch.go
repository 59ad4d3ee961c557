package awsapi

import "net/http"

type changeVisibilityBatchOut struct {
	Successful []idOut      `json:"Successful" xml:"ChangeMessageVisibilityBatchResultEntry"`
	Failed     []batchError `json:"Failed" xml:"BatchResultErrorEntry"`
}

// changeMessageVisibilityBatch serves ChangeMessageVisibilityBatch.
func (a *sqsAPI) changeMessageVisibilityBatch(w http.ResponseWriter, r *http.Request) error {
	in := handleBatchIn{entry: "ChangeMessageVisibilityBatchRequestEntry"}
	succeeded, failed, err := a.handleBatch(r, &in, func(name string, e handleEntry) error {
		switch {
		case e.ReceiptHandle == "":
			return missing("ReceiptHandle")
		case e.VisibilityTimeout == nil:
			return missing("VisibilityTimeout")
		}
		return a.q().ChangeVisibility(r.Context(), name, e.ReceiptHandle, *e.VisibilityTimeout)
	})
	if err != nil {
		return err
	}
	return a.write(w, r, "ChangeMessageVisibilityBatch", changeVisibilityBatchOut{succeeded, failed})
}
