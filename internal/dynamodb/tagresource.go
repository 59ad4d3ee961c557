package dynamodb

import "context"

// tagResource is a stub until its issue-17 helper (tables) writes it.
func (s *Service) tagResource(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("TagResource is not implemented yet")
}
