package dynamodb

import "context"

// getItem is a stub until its issue-17 helper (items) writes it.
func (s *Service) getItem(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("GetItem is not implemented yet")
}
