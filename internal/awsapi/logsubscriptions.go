package awsapi

import (
	"context"
	"errors"

	"github.com/verge-edge/verge/internal/logsub"
)

// Subscriptions are CloudWatch Logs' subscription filters:
// *logsub.Service.
type Subscriptions interface {
	Put(ctx context.Context, f logsub.Filter) error
	Describe(group, prefix string) []logsub.Filter
	Delete(ctx context.Context, group, name string) error
}

var _ Subscriptions = (*logsub.Service)(nil)

// subscriptions is the registry, or the error to answer without one.
func (l *logsAPI) subscriptions(ctx context.Context) (Subscriptions, error) {
	if l.opts.Subscriptions == nil {
		return nil, errLogsUnavailable.With("Subscription filters are not available.")
	}
	s, err := l.opts.Subscriptions(ctx)
	if err != nil {
		return nil, errLogsUnavailable.With(err.Error())
	}
	return s, nil
}

// subscriptionError is a logsub refusal as CloudWatch Logs answers it.
func subscriptionError(err error) error {
	var e *logsub.Error
	if !errors.As(err, &e) {
		return ErrInternal.With(err.Error())
	}
	switch e.Code {
	case logsub.CodeNotFound:
		return errNotFound.With(e.Message)
	case logsub.CodeLimit:
		return errLimitExceeded.With(e.Message)
	case logsub.CodeInvalid:
		return errInvalidParameter.With(e.Message)
	}
	return errLogsUnavailable.With(e.Message)
}
