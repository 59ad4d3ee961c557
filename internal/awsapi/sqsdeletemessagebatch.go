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
	succeeded, failed, err := a.handleBatch(r, &in, func(name string, es []handleEntry) []error {
		errs := make([]error, len(es))
		var handles []string
		var at []int
		for i, e := range es {
			if e.ReceiptHandle == "" {
				errs[i] = missing("ReceiptHandle")
				continue
			}
			handles = append(handles, e.ReceiptHandle)
			at = append(at, i)
		}
		for j, err := range a.q().DeleteBatch(r.Context(), name, handles) {
			errs[at[j]] = err
		}
		return errs
	})
	if err != nil {
		return err
	}
	return a.write(w, r, "DeleteMessageBatch", deleteBatchOut{succeeded, failed})
}

// handleBatch runs do on the entries of a receipt handle batch; do
// returns each entry's error at its index.
func (a *sqsAPI) handleBatch(r *http.Request, in *handleBatchIn, do func(name string, es []handleEntry) []error) ([]idOut, []batchError, error) {
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
	for i, err := range do(name, in.Entries) {
		if err != nil {
			failed = append(failed, entryError(in.Entries[i].ID, err, query))
			continue
		}
		ok = append(ok, idOut{in.Entries[i].ID})
	}
	return ok, failed, nil
}
