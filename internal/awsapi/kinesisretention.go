package awsapi

import "net/http"

type retentionIn struct {
	StreamName           string `json:"StreamName"`
	StreamARN            string `json:"StreamARN"`
	RetentionPeriodHours *int   `json:"RetentionPeriodHours"`
}

// setRetention changes a stream's retention; the service refuses a change
// in the wrong direction or out of 24 to 8760 hours.
func (a *kinesisAPI) setRetention(w http.ResponseWriter, r *http.Request, increase bool) error {
	var in retentionIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	if in.RetentionPeriodHours == nil {
		v.null("retentionPeriodHours")
	}
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := a.k().SetRetention(r.Context(), name, *in.RetentionPeriodHours, increase); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
