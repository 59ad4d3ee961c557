package awsapi

import "net/http"

// listAliases is ListAliases: the stack file names no aliases, so the
// list of an existing function is empty.
func (l *lambdaAPI) listAliases(w http.ResponseWriter, r *http.Request) error {
	if _, err := l.config(r); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		Aliases []struct{} `json:"Aliases"`
	}{Aliases: []struct{}{}})
}
