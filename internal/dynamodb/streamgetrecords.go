package dynamodb

import (
	"context"
	"time"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

type getRecordsInput struct {
	ShardIterator *string `json:"ShardIterator"`
	Limit         *int    `json:"Limit"`
}

type getRecordsOutput struct {
	Records           []apiRecord `json:"Records"`
	NextShardIterator string      `json:"NextShardIterator,omitempty"`
}

// An apiRecord is a StreamRecord as the Streams API spells it: its
// userIdentity's members are capitalised there (Lambda's events have
// them in lower case).
type apiRecord struct {
	StreamRecord
	UserIdentity *apiIdentity `json:"userIdentity,omitempty"`
}

type apiIdentity struct {
	Type        string `json:"Type"`
	PrincipalID string `json:"PrincipalId"`
}

// recordOf is the API's form of r.
func recordOf(r StreamRecord) apiRecord {
	out := apiRecord{StreamRecord: r}
	if u := r.UserIdentity; u != nil {
		out.UserIdentity = &apiIdentity{Type: u.Type, PrincipalID: u.PrincipalID}
	}
	return out
}

// maxGetRecords is GetRecords' page size and largest Limit.
const maxGetRecords = 1000

// getRecords reads the records after the iterator's position, without
// waiting for new ones, and a fresh iterator after them. A disabled
// stream's shard is closed: read to its end, it has no next iterator.
// An iterator behind records since trimmed (past the 24 hours kept) is
// refused, as on AWS, rather than skipped ahead.
func (s *Service) getRecords(ctx context.Context, body []byte) (any, error) {
	var in getRecordsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit, err := in.validate()
	if err != nil {
		return nil, err
	}
	it, err := s.decodeIterator(*in.ShardIterator)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.Sub(time.UnixMilli(it.issued)) > iteratorLife {
		return nil, &Error{Code: CodeExpiredIterator, Message: "Shard iterator has expired"}
	}
	t, err := s.st.Describe(it.table)
	if err != nil || t.ID != it.id {
		return nil, streamNotFound(it.streamARN())
	}
	ts, err := streamLabelled(t, it.label, now, it.streamARN())
	if err != nil {
		return nil, err
	}
	r, err := s.st.ReadStreamOf(ctx, t.Name, ts.Label, it.after, limit, 0)
	if err != nil {
		return nil, err
	}
	if r.Trimmed {
		return nil, errTrimmed
	}
	out := getRecordsOutput{Records: []apiRecord{}}
	for _, rec := range r.Records {
		out.Records = append(out.Records, recordOf(NewStreamRecord(streamTableAs(t, ts), rec)))
	}
	if ts.closed && r.Next >= r.Tip {
		return out, nil
	}
	it.after, it.issued = r.Next, now.UnixMilli()
	out.NextShardIterator = s.encodeIterator(it)
	return out, nil
}

// errTrimmed is AWS's answer to a read behind the trim horizon.
var errTrimmed = &Error{Code: CodeTrimmedDataAccess, Message: "The operation attempted to read past the oldest stream record in a shard."}

// validate checks the input and returns its limit.
func (in getRecordsInput) validate() (int, error) {
	var vs violations
	if in.ShardIterator == nil {
		vs.add(nil, "shardIterator", "must not be null")
	} else if len(*in.ShardIterator) > maxIterator {
		vs.add(*in.ShardIterator, "shardIterator", "must have length less than or equal to 2048")
	}
	limit := maxGetRecords
	if in.Limit != nil {
		limit = *in.Limit
		if limit < 1 {
			vs.add(limit, "limit", "must have value greater than or equal to 1")
		} else if limit > maxGetRecords {
			vs.add(limit, "limit", "must have value less than or equal to 1000")
		}
	}
	return limit, vs.err()
}

// streamTableAs is t as its stream ts made records: with ts's label and
// view, so a past stream's records name it and not the current one.
func streamTableAs(t store.Table, ts tableStream) store.Table {
	t.StreamLabel, t.StreamView = ts.Label, ts.View
	return t
}
