package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

type untagResourceInput struct {
	ResourceArn *string  `json:"ResourceArn"`
	TagKeys     []string `json:"TagKeys"`
}

func (s *Service) untagResource(ctx context.Context, body []byte) (any, error) {
	var in untagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var vs violations
	if in.ResourceArn == nil {
		vs.add(nil, "resourceArn", "must not be null")
	}
	if in.TagKeys == nil {
		vs.add(nil, "tagKeys", "must not be null")
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, invalid("Atleast one Tag Key needs to be provided as Input.")
	}
	t, err := s.taggedTable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	m := metaOf(t)
	next := m.withoutTags(in.TagKeys)
	if len(next.Tags) == len(m.Tags) {
		return struct{}{}, nil // nothing to remove: nothing written
	}
	_, err = s.st.UpdateTable(ctx, t.Name, store.TableUpdate{Meta: next.encode()})
	return struct{}{}, err
}
