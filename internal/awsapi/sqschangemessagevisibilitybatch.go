package awsapi

import "net/http"

type changeVisibilityBatchOut struct {
	Successful []idOut      `json:"Successful" xml:"ChangeMessageVisibilityBatchResultEntry"`
	Failed     []batchError `json:"Failed" xml:"BatchResultErrorEntry"`
}

// changeMessageVisibilityBatch serves ChangeMessageVisibilityBatch.
func (a *sqsAPI) changeMessageVisibilityBatch(w http.ResponseWriter, r *http.Request) error {
	in := handleBatchIn{entry: "ChangeMessageVisibilityBatchRequestEntry"}
	succeeded, failed, err := a.handleBatch(r, &in, func(name string, es []handleEntry) []error {
		errs := make([]error, len(es))
		for i, e := range es {
			switch {
			case e.ReceiptHandle == "":
				errs[i] = missing("ReceiptHandle")
			case e.VisibilityTimeout == nil:
				errs[i] = missing("VisibilityTimeout")
			default:
				errs[i] = a.q().ChangeVisibility(r.Context(), name, e.ReceiptHandle, *e.VisibilityTimeout)
			}
		}
		return errs
	})
	if err != nil {
		return err
	}
	return a.write(w, r, "ChangeMessageVisibilityBatch", changeVisibilityBatchOut{succeeded, failed})
}
