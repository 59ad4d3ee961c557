package dynamodb

import "context"

// putItem is a stub until its issue-17 helper (items) writes it.
func (s *Service) putItem(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("PutItem is not implemented yet")
}
