package awsapi

import (
	"net/http"
	"strconv"

	"github.com/verge-edge/verge/internal/functions"
)

// Lambda's page sizes.
const (
	defaultMaxItems = 50
	maxMaxItems     = 10000
)

type listFunctionsOutput struct {
	Functions  []functionConfiguration `json:"Functions"`
	NextMarker string                  `json:"NextMarker,omitempty"`
}

// listFunctions is ListFunctions: every function's $LATEST (every version
// with FunctionVersion=ALL), in pages.
func (l *lambdaAPI) listFunctions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cs := l.fns.Configs()
	switch v := q.Get("FunctionVersion"); v {
	case "":
	case "ALL":
		var all []functions.Config
		for _, c := range cs {
			vs, err := l.fns.Versions(c.Name)
			if err != nil {
				continue // removed meanwhile
			}
			all = append(all, vs...)
		}
		cs = all
	default:
		return errInvalidParam.With("1 validation error detected: Value '" + v + "' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]")
	}
	page, next, err := paginate(len(cs), q.Get("Marker"), q.Get("MaxItems"))
	if err != nil {
		return err
	}
	out := listFunctionsOutput{Functions: []functionConfiguration{}, NextMarker: next}
	for _, c := range cs[page[0]:page[1]] {
		out.Functions = append(out.Functions, configuration(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

// paginate reads Marker (an offset Verge gave) and MaxItems, and returns
// the page's bounds in a list of n and the next page's marker.
func paginate(n int, marker, maxItems string) (page [2]int, next string, err error) {
	size := defaultMaxItems
	if maxItems != "" {
		size, err = strconv.Atoi(maxItems)
		if err != nil || size < 1 || size > maxMaxItems {
			return page, "", errInvalidParam.With("1 validation error detected: Value '" + maxItems + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000")
		}
	}
	from := 0
	if marker != "" {
		from, err = strconv.Atoi(marker)
		if err != nil || from < 0 || from > n {
			return page, "", errInvalidParam.With("Invalid Marker: " + marker)
		}
	}
	to := min(n, from+size)
	if to < n {
		next = strconv.Itoa(to)
	}
	return [2]int{from, to}, next, nil
}
