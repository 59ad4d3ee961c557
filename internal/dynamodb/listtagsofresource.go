package dynamodb

import "context"

// listTagsOfResource is a stub until its issue-17 helper (tables) writes it.
func (s *Service) listTagsOfResource(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("ListTagsOfResource is not implemented yet")
}
