package dynamodb

import "context"

// batchGetItem is a stub until its issue-17 helper (items) writes it.
func (s *Service) batchGetItem(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("BatchGetItem is not implemented yet")
}
