package dynamodb

import "context"

// listStreams is a stub until its issue-17 helper (streams) writes it.
func (s *Service) listStreams(ctx context.Context, body []byte) (any, error) {
	return nil, invalid("ListStreams is not implemented yet")
}
