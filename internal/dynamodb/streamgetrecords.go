package dynamodb

import (
	"context"
	"time"
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
// stream's shard is closed: it has no records here and no next iterator.
func (s *Service) getRecords(ctx context.Context, body []byte) (any, error) {
	var in getRecordsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
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
	if err := vs.err(); err != nil {
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
	if err != nil || t.ID != it.id || t.StreamLabel != it.label {
		return nil, streamNotFound(it.streamARN())
	}
	out := getRecordsOutput{Records: []apiRecord{}}
	if t.StreamView == "" {
		return out, nil
	}
	r, err := s.st.ReadStream(ctx, t.Name, it.after, limit, 0)
	if err != nil {
		return nil, err
	}
	for _, rec := range r.Records {
		out.Records = append(out.Records, recordOf(NewStreamRecord(t, rec)))
	}
	it.after, it.issued = r.Next, now.UnixMilli()
	out.NextShardIterator = s.encodeIterator(it)
	return out, nil
}
