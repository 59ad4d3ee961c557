package dynamodb

import "context"

type deleteTableOutput struct {
	TableDescription tableDescription `json:"TableDescription"`
}

// deleteTable deletes a table at once; the description it returns is
// DELETING, as AWS's first answer is.
func (s *Service) deleteTable(ctx context.Context, body []byte) (any, error) {
	name, err := readTableName(body)
	if err != nil {
		return nil, err
	}
	t, err := s.describeByName(name)
	if err != nil {
		return nil, err
	}
	if metaOf(t).DeletionProtection {
		return nil, invalid("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	}
	t, err = s.st.DeleteTable(ctx, name)
	if err != nil {
		if e, ok := wire(err).(*Error); ok && e.Code == CodeResourceNotFound {
			return nil, notFoundTable(name)
		}
		return nil, err
	}
	return deleteTableOutput{TableDescription: describe(t, statusDeleting)}, nil
}
