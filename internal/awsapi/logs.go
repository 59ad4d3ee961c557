package awsapi

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/logs"
)

// CloudWatch Logs' limits, as AWS validates them.
const (
	maxDescribeLimit   = 50
	maxEventsLimit     = 10000
	maxLiveTailGroups  = 10
	logsSessionTimeout = 3 * time.Hour
	logsHeartbeat      = time.Second
)

// LogsOptions tune the CloudWatch Logs service; zero fields take AWS's
// values.
type LogsOptions struct {
	// SessionTimeout ends a StartLiveTail session (3 h, as on AWS).
	SessionTimeout time.Duration
	// Heartbeat is how often a quiet session gets an empty update (1 s, as
	// on AWS); events are sent as they come, not on this beat.
	Heartbeat time.Duration
	// Subscriptions returns the subscription filters' registry, starting
	// it if need be; nil: the subscription operations answer
	// ServiceUnavailableException.
	Subscriptions func(ctx context.Context) (Subscriptions, error)
}

// Logs returns the CloudWatch Logs service (AWS JSON 1.1, X-Amz-Target
// Logs_20140328.*) over store: the functions' log groups and those made
// through the API.
func Logs(store *logs.Store, o LogsOptions) *Service {
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = logsSessionTimeout
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = logsHeartbeat
	}
	l := &logsAPI{store: store, opts: o}
	ops := []Operation{
		{Name: "DescribeLogGroups", Resources: allLogGroups, Handle: l.describeLogGroups},
		{Name: "DescribeLogStreams", Resources: logGroupResources, Handle: l.describeLogStreams},
		{Name: "GetLogEvents", Resources: logGroupResources, Handle: l.getLogEvents},
		{Name: "FilterLogEvents", Resources: logGroupResources, Handle: l.filterLogEvents},
		{Name: "StartLiveTail", Resources: logGroupResources, Handle: l.startLiveTail},
		{Name: "CreateLogGroup", Resources: logGroupResources, Handle: l.createLogGroup},
		{Name: "DeleteLogGroup", Resources: logGroupResources, Handle: l.deleteLogGroup},
		{Name: "PutRetentionPolicy", Resources: logGroupResources, Handle: l.putRetentionPolicy},
		{Name: "DeleteRetentionPolicy", Resources: logGroupResources, Handle: l.deleteRetentionPolicy},
		{Name: "TagResource", Resources: taggedResources, Handle: l.tagResource},
		{Name: "UntagResource", Resources: taggedResources, Handle: l.untagResource},
		{Name: "ListTagsForResource", Resources: taggedResources, Handle: l.listTagsForResource},
		{Name: "TagLogGroup", Resources: logGroupResources, Handle: l.tagLogGroup},
		{Name: "UntagLogGroup", Resources: logGroupResources, Handle: l.untagLogGroup},
		{Name: "ListTagsLogGroup", Resources: logGroupResources, Handle: l.listTagsLogGroup},
		{Name: "CreateLogStream", Resources: logStreamResources, Handle: l.createLogStream},
		{Name: "DeleteLogStream", Resources: logStreamResources, Handle: l.deleteLogStream},
		{Name: "PutLogEvents", Resources: logStreamResources, Handle: l.putLogEvents},
		{Name: "TestMetricFilter", Resources: anyResource, Handle: l.testMetricFilter},
		{Name: "PutSubscriptionFilter", Resources: logGroupResources, Handle: l.putSubscriptionFilter},
		{Name: "DescribeSubscriptionFilters", Resources: logGroupResources, Handle: l.describeSubscriptionFilters},
		{Name: "DeleteSubscriptionFilter", Resources: logGroupResources, Handle: l.deleteSubscriptionFilter},
	}
	for i := range ops {
		ops[i].Action = "logs:" + ops[i].Name
	}
	return &Service{Name: "logs", Protocol: JSON11, Target: logsTarget, Ops: ops}
}

// logsAPI serves CloudWatch Logs' operations.
type logsAPI struct {
	store *logs.Store
	opts  LogsOptions
}

// groupRef is how requests name a log group: by name, or by identifier
// (a name or an ARN); StartLiveTail names several.
type groupRef struct {
	LogGroupName        string   `json:"logGroupName"`
	LogGroupIdentifier  string   `json:"logGroupIdentifier"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
}

// name is the group the request names: logGroupName or
// logGroupIdentifier, exactly one of them.
func (g groupRef) name() (string, error) {
	switch {
	case g.LogGroupName != "" && g.LogGroupIdentifier != "":
		return "", errInvalidParameter.With("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case g.LogGroupName != "":
		return g.LogGroupName, nil
	case g.LogGroupIdentifier != "":
		return groupName(g.LogGroupIdentifier), nil
	}
	return "", errInvalidParameter.With("Either logGroupName or logGroupIdentifier must be specified.")
}

// groupName is the name in a log group identifier: the name itself, or an
// ARN (with or without the trailing ":*").
func groupName(id string) string {
	if !strings.HasPrefix(id, "arn:") {
		return id
	}
	_, name, ok := strings.Cut(id, ":log-group:")
	if !ok {
		return id
	}
	return strings.TrimSuffix(name, ":*")
}

// logGroupResources are the ARNs of the groups a request names.
func logGroupResources(r *http.Request) []string {
	var g groupRef
	if !peekJSON(r, &g) {
		return nil
	}
	var out []string
	for _, id := range append([]string{g.LogGroupName, g.LogGroupIdentifier}, g.LogGroupIdentifiers...) {
		if a := arn.LogGroup(groupName(id)); id != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// allLogGroups is DescribeLogGroups' resource, as IAM names it.
func allLogGroups(*http.Request) []string { return []string{arn.LogGroup("*")} }

// storeError is a logs.Store error as CloudWatch Logs answers it.
func storeError(err error) error {
	if pe, ok := logs.AsPatternError(err); ok {
		return errInvalidParameter.With(pe.Error())
	}
	switch {
	case errs.Is(errs.NotFound, err):
		return errNotFound.With("The specified log group does not exist.")
	case errs.Is(errs.Invalid, err):
		return errInvalidParameter.With(err.Error())
	case errs.Is(errs.Unavailable, err):
		return errLogsUnavailable.With(cause(err))
	}
	return ErrInternal.With(err.Error())
}

// checkLimit validates an optional limit in [1, max] and returns it, or
// def when it is absent.
func checkLimit(limit *int32, def, max int) (int, error) {
	if limit == nil {
		return def, nil
	}
	if n := int(*limit); n >= 1 && n <= max {
		return n, nil
	}
	return 0, errInvalidParameter.Withf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *limit, max)
}

// millis is t as CloudWatch Logs' timestamps: milliseconds since the epoch.
func millis(t time.Time) int64 { return t.UnixMilli() }

// optMillis is millis, 0 (omitted) for a zero time.
func optMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is an optional timestamp as a time, zero when absent.
func fromMillis(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return time.UnixMilli(*ms).UTC()
}
