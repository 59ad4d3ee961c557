package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/logsub"
)

type putSubscriptionFilterInput struct {
	LogGroupName   string  `json:"logGroupName"`
	FilterName     string  `json:"filterName"`
	FilterPattern  *string `json:"filterPattern"`
	DestinationArn string  `json:"destinationArn"`
	RoleArn        string  `json:"roleArn"`
	Distribution   string  `json:"distribution"`
}

// putSubscriptionFilter is PutSubscriptionFilter: creates or replaces a
// filter delivering a group's matching events to a function.
func (l *logsAPI) putSubscriptionFilter(w http.ResponseWriter, r *http.Request) error {
	var in putSubscriptionFilterInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if err := required(member{"logGroupName", in.LogGroupName != ""}, member{"filterName", in.FilterName != ""},
		member{"filterPattern", in.FilterPattern != nil}, member{"destinationArn", in.DestinationArn != ""}); err != nil {
		return err
	}
	subs, err := l.subscriptions(r.Context())
	if err != nil {
		return err
	}
	f := logsub.Filter{Group: in.LogGroupName, Name: in.FilterName, Pattern: *in.FilterPattern,
		Destination: in.DestinationArn, Role: in.RoleArn, Distribution: in.Distribution}
	if err := subs.Put(r.Context(), f); err != nil {
		return subscriptionError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}

// member is a request member and whether it was given.
type member struct {
	name  string
	given bool
}

// required refuses a request missing a required member, as AWS's
// validation words it.
func required(ms ...member) error {
	for _, m := range ms {
		if !m.given {
			return errInvalidParameter.Withf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", m.name)
		}
	}
	return nil
}
