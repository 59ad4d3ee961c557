package dynamodb

import "context"

// executeStatement is a stub until its issue-17 helper (partiql) writes it.
func (s *Service) executeStatement(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("ExecuteStatement is not implemented yet")
}
