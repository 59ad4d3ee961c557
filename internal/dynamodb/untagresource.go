package dynamodb

import "context"

// untagResource is a stub until its issue-17 helper (tables) writes it.
func (s *Service) untagResource(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("UntagResource is not implemented yet")
}
