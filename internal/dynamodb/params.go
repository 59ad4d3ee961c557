package dynamodb

import (
	"encoding/json"

	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// params reads a request's ExpressionAttributeNames and
// ExpressionAttributeValues, through which every expression of the
// request is parsed; call Unused on it once they all are.
func params(names map[string]string, values map[string]json.RawMessage) (*expr.Params, error) {
	vals, err := expr.DecodeValues(values)
	if err != nil {
		return nil, err
	}
	return expr.NewParams(names, vals)
}
