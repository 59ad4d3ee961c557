package awsapi

import "net/http"

type deleteSubscriptionFilterInput struct {
	LogGroupName string `json:"logGroupName"`
	FilterName   string `json:"filterName"`
}

// deleteSubscriptionFilter is DeleteSubscriptionFilter. The stack file's
// filters cannot be deleted: they are the file's (InvalidParameterException
// says so).
func (l *logsAPI) deleteSubscriptionFilter(w http.ResponseWriter, r *http.Request) error {
	var in deleteSubscriptionFilterInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if err := required(member{"logGroupName", in.LogGroupName != ""}, member{"filterName", in.FilterName != ""}); err != nil {
		return err
	}
	subs, err := l.subscriptions(r.Context())
	if err != nil {
		return err
	}
	if err := subs.Delete(r.Context(), in.LogGroupName, in.FilterName); err != nil {
		return subscriptionError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}
