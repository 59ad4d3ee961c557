package awsapi

import (
	"net/http"
)

type describeSubscriptionFiltersInput struct {
	LogGroupName     string  `json:"logGroupName"`
	FilterNamePrefix string  `json:"filterNamePrefix"`
	Limit            *int32  `json:"limit"`
	NextToken        *string `json:"nextToken"`
}

type subscriptionFilter struct {
	FilterName     string `json:"filterName"`
	LogGroupName   string `json:"logGroupName"`
	FilterPattern  string `json:"filterPattern"`
	DestinationArn string `json:"destinationArn"`
	RoleArn        string `json:"roleArn,omitempty"`
	Distribution   string `json:"distribution"`
	CreationTime   int64  `json:"creationTime"`
}

type describeSubscriptionFiltersOutput struct {
	SubscriptionFilters []subscriptionFilter `json:"subscriptionFilters"`
	NextToken           string               `json:"nextToken,omitempty"`
}

// describeSubscriptionFilters is DescribeSubscriptionFilters: a group's
// filters by name, the stack file's among them.
func (l *logsAPI) describeSubscriptionFilters(w http.ResponseWriter, r *http.Request) error {
	var in describeSubscriptionFiltersInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if err := required(member{"logGroupName", in.LogGroupName != ""}); err != nil {
		return err
	}
	limit, err := checkLimit(in.Limit, maxDescribeLimit, maxDescribeLimit)
	if err != nil {
		return err
	}
	if !l.store.Exists(in.LogGroupName) {
		return errNotFound.With("The specified log group does not exist.")
	}
	subs, err := l.subscriptions(r.Context())
	if err != nil {
		return err
	}
	fs := subs.Describe(in.LogGroupName, in.FilterNamePrefix)
	from, to, next, err := pageBounds(len(fs), in.NextToken, limit)
	if err != nil {
		return err
	}
	out := describeSubscriptionFiltersOutput{SubscriptionFilters: []subscriptionFilter{}, NextToken: next}
	for _, f := range fs[from:to] {
		out.SubscriptionFilters = append(out.SubscriptionFilters, subscriptionFilter{FilterName: f.Name, LogGroupName: f.Group,
			FilterPattern: f.Pattern, DestinationArn: f.Destination, RoleArn: f.Role, Distribution: f.Distribution, CreationTime: f.Created})
	}
	return writeJSON(w, http.StatusOK, out)
}
