package dynamodb

import "context"

// listTables is a stub until its issue-17 helper (tables) writes it.
func (s *Service) listTables(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("ListTables is not implemented yet")
}
