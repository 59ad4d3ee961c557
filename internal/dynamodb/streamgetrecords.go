package dynamodb

import "context"

// getRecords is a stub until its issue-17 helper (streams) writes it.
func (s *Service) getRecords(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("GetRecords is not implemented yet")
}
