package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// Declare makes a table as a stack declares it: created when absent,
// else brought to c (stream view, TTL attribute, global indexes added or
// removed) with its items kept. Tags are the table's tags.
// TODO(tables): a stub that only creates; the control plane's helper
// writes the rest.
func (s *Service) Declare(ctx context.Context, c store.TableConfig, tags map[string]string) error {
	if _, err := s.st.Describe(c.Name); err == nil {
		return nil
	}
	_, err := s.st.CreateTable(ctx, c)
	return err
}
