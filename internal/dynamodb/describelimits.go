package dynamodb

import "context"

// describeLimits is a stub until its issue-17 helper (tables) writes it.
func (s *Service) describeLimits(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("DescribeLimits is not implemented yet")
}
