package dynamodb

import "context"

// batchWriteItem is a stub until its issue-17 helper (items) writes it.
func (s *Service) batchWriteItem(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("BatchWriteItem is not implemented yet")
}
