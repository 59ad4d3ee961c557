package esm

import (
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// Validate checks a mapping against Lambda's limits for streams.
func (mp *Mapping) Validate() error {
	const op errs.Op = "esm.Mapping.Validate"
	bad := func(format string, args ...any) error {
		return errs.E(op, errs.Invalid, mp.UUID, errs.Errorf(format, args...))
	}
	switch {
	case mp.UUID == "":
		return bad("a mapping needs a UUID")
	case mp.Function == "":
		return bad("a mapping needs a function")
	case mp.Source == nil:
		return bad("a mapping needs a source")
	case mp.BatchSize < 0 || mp.BatchSize > maxBatchSize:
		return bad("BatchSize %d is not between 1 and %d", mp.BatchSize, maxBatchSize)
	case mp.MaxBatchWindow < 0 || mp.MaxBatchWindow > maxBatchWindow:
		return bad("MaximumBatchingWindowInSeconds %v is not between 0 and %v", mp.MaxBatchWindow, maxBatchWindow)
	case mp.MaximumRetryAttempts < forever || mp.MaximumRetryAttempts > maxRetryAttempts:
		return bad("MaximumRetryAttempts %d is not between -1 and %d", mp.MaximumRetryAttempts, maxRetryAttempts)
	case mp.MaximumRecordAge != 0 && (mp.MaximumRecordAge < minRecordAge || mp.MaximumRecordAge > maxRecordAge):
		return bad("MaximumRecordAgeInSeconds %v is not between %v and %v", mp.MaximumRecordAge, minRecordAge, maxRecordAge)
	case mp.ParallelizationFactor < 0 || mp.ParallelizationFactor > maxParallelization:
		return bad("ParallelizationFactor %d is not between 1 and %d", mp.ParallelizationFactor, maxParallelization)
	case mp.TumblingWindow < 0 || mp.TumblingWindow > maxTumblingWindow:
		return bad("TumblingWindowInSeconds %v is not between 0 and %v", mp.TumblingWindow, maxTumblingWindow)
	case mp.OnFailure != nil && mp.OnFailure.Kind != "sqs" && mp.OnFailure.Kind != "sns":
		return bad("an OnFailure destination is an SQS queue or an SNS topic, not %q", mp.OnFailure.Kind)
	}
	switch mp.StartingPosition {
	case TrimHorizon, Latest:
	case AtTimestamp:
		if mp.StartingTimestamp.IsZero() {
			return bad("StartingPosition AT_TIMESTAMP needs StartingPositionTimestamp")
		}
	default:
		return bad("StartingPosition %q is not TRIM_HORIZON, LATEST or AT_TIMESTAMP", mp.StartingPosition)
	}
	return nil
}

// check is Validate for ByUUID: the mapping's UUID and it with its
// defaults, or why it is invalid.
func check(mp *Mapping) (string, Mapping, error) {
	if err := mp.Validate(); err != nil {
		return "", Mapping{}, err
	}
	return mp.UUID, mp.withDefaults(), nil
}

// withDefaults fills in Lambda's defaults.
func (mp Mapping) withDefaults() Mapping {
	if mp.BatchSize == 0 {
		mp.BatchSize = defaultBatchSize
	}
	if mp.ParallelizationFactor == 0 {
		mp.ParallelizationFactor = 1
	}
	return mp
}

// lanes is how many batches of a shard may be in flight. A tumbling
// window's state belongs to the shard, so windows run one batch at a time.
func (mp *Mapping) lanes() int {
	if mp.TumblingWindow > 0 {
		return 1
	}
	return mp.ParallelizationFactor
}

// expired reports whether a record that arrived at arrival is past the
// mapping's MaximumRecordAge at now.
func (mp *Mapping) expired(arrival, now time.Time) bool {
	return mp.MaximumRecordAge > 0 && now.Sub(arrival) > mp.MaximumRecordAge
}

// same reports whether two mappings run alike: a change restarts the
// mapping from its checkpoints.
func same(a, b *Mapping) bool {
	a2, b2 := *a, *b
	a2.OnFailure, b2.OnFailure = nil, nil
	a2.StartingTimestamp, b2.StartingTimestamp = time.Time{}, time.Time{}
	return a2 == b2 && a.StartingTimestamp.Equal(b.StartingTimestamp) &&
		(a.OnFailure == nil) == (b.OnFailure == nil) && (a.OnFailure == nil || *a.OnFailure == *b.OnFailure)
}
