package dynamodb

import "context"

// describeStream is a stub until its issue-17 helper (streams) writes it.
func (s *Service) describeStream(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("DescribeStream is not implemented yet")
}
