package dynamodb

import "context"

// batchExecuteStatement is a stub until its issue-17 helper (partiql) writes it.
func (s *Service) batchExecuteStatement(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("BatchExecuteStatement is not implemented yet")
}
