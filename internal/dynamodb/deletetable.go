package dynamodb

import "context"

// deleteTable is a stub until its issue-17 helper (tables) writes it.
func (s *Service) deleteTable(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("DeleteTable is not implemented yet")
}
