package dynamodb

import "context"

// transactGetItems is a stub until its issue-17 helper (items) writes it.
func (s *Service) transactGetItems(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("TransactGetItems is not implemented yet")
}
