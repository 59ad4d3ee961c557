package dynamodb

import "context"

// transactWriteItems is a stub until its issue-17 helper (items) writes it.
func (s *Service) transactWriteItems(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("TransactWriteItems is not implemented yet")
}
