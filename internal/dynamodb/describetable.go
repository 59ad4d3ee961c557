package dynamodb

import "context"

// describeTable is a stub until its issue-17 helper (tables) writes it.
func (s *Service) describeTable(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("DescribeTable is not implemented yet")
}
