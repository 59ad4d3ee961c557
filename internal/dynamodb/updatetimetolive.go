package dynamodb

import "context"

// updateTimeToLive is a stub until its issue-17 helper (tables) writes it.
func (s *Service) updateTimeToLive(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("UpdateTimeToLive is not implemented yet")
}
