package dynamodb

import (
	"context"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

type tagResourceInput struct {
	ResourceArn *string `json:"ResourceArn"`
	Tags        []tag   `json:"Tags"`
}

func (s *Service) tagResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var vs violations
	if in.ResourceArn == nil {
		vs.add(nil, "resourceArn", "must not be null")
	}
	if in.Tags == nil {
		vs.add(nil, "tags", "must not be null")
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, invalid("Atleast one Tag needs to be provided as Input.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	t, err := s.taggedTable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	m := metaOf(t).withTags(in.Tags)
	if len(m.Tags) > maxTags {
		return nil, invalid("Number of Tags exceed the current limit for the provided ResourceArn")
	}
	_, err = s.st.UpdateTable(ctx, t.Name, store.TableUpdate{Meta: m.encode()})
	return struct{}{}, err
}

// taggedTable is the table of a tagging request's ResourceArn.
func (s *Service) taggedTable(resource string) (store.Table, error) {
	if !strings.HasPrefix(resource, "arn:") {
		return store.Table{}, invalid(msgInvalid+"ARNs must start with 'arn:': %s", resource)
	}
	name, ok := cutTableARN(resource)
	if !ok || strings.Contains(name, "/") {
		return store.Table{}, invalid("Invalid TableArn: Invalid ResourceArn provided as input %s", resource)
	}
	t, err := s.st.Describe(name)
	if err != nil {
		if e, ok := wire(err).(*Error); ok && e.Code == CodeResourceNotFound {
			return store.Table{}, &Error{Code: CodeResourceNotFound, Message: msgNotFound + ": ResourcArn: " + resource + " not found"}
		}
		return store.Table{}, err
	}
	return t, nil
}
