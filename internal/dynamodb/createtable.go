package dynamodb

import "context"

// createTable is a stub until its issue-17 helper (tables) writes it.
func (s *Service) createTable(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("CreateTable is not implemented yet")
}
