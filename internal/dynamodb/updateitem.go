package dynamodb

import "context"

// updateItem is a stub until its issue-17 helper (items) writes it.
func (s *Service) updateItem(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("UpdateItem is not implemented yet")
}
