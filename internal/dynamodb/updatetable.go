package dynamodb

import "context"

// updateTable is a stub until its issue-17 helper (tables) writes it.
func (s *Service) updateTable(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("UpdateTable is not implemented yet")
}
