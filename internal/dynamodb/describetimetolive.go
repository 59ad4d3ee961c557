package dynamodb

import "context"

// describeTimeToLive is a stub until its issue-17 helper (tables) writes it.
func (s *Service) describeTimeToLive(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("DescribeTimeToLive is not implemented yet")
}
