package awsapi

import (
	"net/http"
	"net/url"
)

// handleEntry is an entry of DeleteMessageBatch or
// ChangeMessageVisibilityBatch.
type handleEntry struct {
	ID                string `json:"Id"`
	ReceiptHandle     string
	VisibilityTimeout *int
}

type handleBatchIn struct {
	QueueURL string `json:"QueueUrl"`
	Entries  []handleEntry
	entry    string // the query protocol's entry name
}

func (in *handleBatchIn) fromForm(f url.Values) {
	in.QueueURL = f.Get("QueueUrl")
	for _, e := range queryEntries(f, in.entry) {
		in.Entries = append(in.Entries, handleEntry{ID: e.Get("Id"), ReceiptHandle: e.Get("ReceiptHandle"), VisibilityTimeout: formInt(e, "VisibilityTimeout")})
	}
}
func (in *handleBatchIn) setURL(u string) { in.QueueURL = u }

// idOut is a batch entry that succeeded.
type idOut struct {
	ID string `json:"Id" xml:"Id"`
}

type deleteBatchOut struct {
	Successful []idOut      `json:"Successful" xml:"DeleteMessageBatchResultEntry"`
	Failed     []batchError `json:"Failed" xml:"BatchResultErrorEntry"`
}

// deleteMessageBatch serves DeleteMessageBatch.
func (a *sqsAPI) deleteMessageBatch(w http.ResponseWriter, r *http.Request) error {
	in := handleBatchIn{entry: "DeleteMessageBatchRequestEntry"}
	succeeded, failed, err := a.handleBatch(r, &in, func(name string, e handleEntry) error {
		if e.ReceiptHandle == "" {
			return missing("ReceiptHandle")
		}
		return a.q().Delete(r.Context(), name, e.ReceiptHandle)
	})
	if err != nil {
		return err
	}
	return a.write(w, r, "DeleteMessageBatch", deleteBatchOut{succeeded, failed})
}

// handleBatch runs do for each entry of a receipt handle batch.
func (a *sqsAPI) handleBatch(r *http.Request, in *handleBatchIn, do func(name string, e handleEntry) error) ([]idOut, []batchError, error) {
	if err := a.read(r, in); err != nil {
		return nil, nil, err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.ID
	}
	if err := checkBatch(ids, in.entry); err != nil {
		return nil, nil, err
	}
	ok, failed := []idOut{}, []batchError{}
	query := isQueryRequest(r)
	for _, e := range in.Entries {
		if err := do(name, e); err != nil {
			failed = append(failed, entryError(e.ID, err, query))
			continue
		}
		ok = append(ok, idOut{e.ID})
	}
	return ok, failed, nil
}
