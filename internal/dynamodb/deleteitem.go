package dynamodb

import "context"

// deleteItem is a stub until its issue-17 helper (items) writes it.
func (s *Service) deleteItem(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("DeleteItem is not implemented yet")
}
