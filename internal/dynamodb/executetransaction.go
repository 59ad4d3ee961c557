package dynamodb

import "context"

// executeTransaction is a stub until its issue-17 helper (partiql) writes it.
func (s *Service) executeTransaction(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("ExecuteTransaction is not implemented yet")
}
