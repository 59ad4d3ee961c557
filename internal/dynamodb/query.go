package dynamodb

import "context"

// query is a stub until its issue-17 helper (reads) writes it.
func (s *Service) query(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("Query is not implemented yet")
}
