package dynamodb

import "context"

// scan is a stub until its issue-17 helper (reads) writes it.
func (s *Service) scan(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("Scan is not implemented yet")
}
