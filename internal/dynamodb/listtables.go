package dynamodb

import (
	"context"
	"slices"
	"strings"
)

type listTablesInput struct {
	ExclusiveStartTableName *string `json:"ExclusiveStartTableName"`
	Limit                   *int    `json:"Limit"`
}

type listTablesOutput struct {
	TableNames             []string `json:"TableNames"`
	LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
}

// maxListTables is ListTables' page size and largest Limit.
const maxListTables = 100

func (s *Service) listTables(ctx context.Context, body []byte) (any, error) {
	var in listTablesInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var vs violations
	if in.ExclusiveStartTableName != nil {
		vs.name(in.ExclusiveStartTableName, "exclusiveStartTableName")
	}
	limit := maxListTables
	if in.Limit != nil {
		limit = *in.Limit
		if limit < 1 {
			vs.add(limit, "limit", "must have value greater than or equal to 1")
		} else if limit > maxListTables {
			vs.add(limit, "limit", "must have value less than or equal to 100")
		}
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	names := s.st.Tables() // sorted
	if in.ExclusiveStartTableName != nil {
		i, found := slices.BinarySearchFunc(names, *in.ExclusiveStartTableName, strings.Compare)
		if found {
			i++
		}
		names = names[i:]
	}
	out := listTablesOutput{TableNames: names}
	if len(names) > limit {
		out.TableNames = names[:limit]
		out.LastEvaluatedTableName = names[limit-1]
	}
	return out, nil
}
