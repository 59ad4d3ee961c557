package dynamodb

import "context"

// getShardIterator is a stub until its issue-17 helper (streams) writes it.
func (s *Service) getShardIterator(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("GetShardIterator is not implemented yet")
}
