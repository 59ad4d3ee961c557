package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

type tableNameInput struct {
	TableName *string `json:"TableName"`
}

type describeTableOutput struct {
	Table tableDescription `json:"Table"`
}

func (s *Service) describeTable(ctx context.Context, body []byte) (any, error) {
	t, err := s.namedTable(body)
	if err != nil {
		return nil, err
	}
	return describeTableOutput{Table: describe(t, statusActive)}, nil
}

// namedTable is the table a request whose only member is TableName
// names.
func (s *Service) namedTable(body []byte) (store.Table, error) {
	name, err := readTableName(body)
	if err != nil {
		return store.Table{}, err
	}
	return s.describeByName(name)
}

// readTableName reads a request whose only member is TableName (a name
// or the table's ARN).
func readTableName(body []byte) (string, error) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return "", err
	}
	return checkTableName(in.TableName)
}

// checkTableName checks a request's TableName and returns the table's
// name.
func checkTableName(name *string) (string, error) {
	if name != nil {
		if n, ok := cutTableARN(*name); ok {
			return n, nil
		}
	}
	var vs violations
	vs.name(name, "tableName")
	if err := vs.err(); err != nil {
		return "", err
	}
	return *name, nil
}
