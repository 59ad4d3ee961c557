package dynamodb

import "context"

// describeEndpoints is a stub until its issue-17 helper (tables) writes it.
func (s *Service) describeEndpoints(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("DescribeEndpoints is not implemented yet")
}
