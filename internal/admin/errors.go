package admin

import "net/http"

// apiError is an entry of the admin API's error catalog: a stable code, the
// HTTP status, and a message. Clients match on Code.
type apiError struct {
	Code    string `json:"code"`
	Status  int    `json:"-"`
	Message string `json:"message"`
}

// The catalog.
var (
	errNotFound     = apiError{"NotFound", http.StatusNotFound, "no such admin endpoint"}
	errUnauthorized = apiError{"Unauthorized", http.StatusUnauthorized, "valid admin credentials are required"}
	errBadRequest   = apiError{"InvalidRequest", http.StatusBadRequest, "the request body is not valid"}
	errNoPaths      = apiError{"InvalidPaths", http.StatusBadRequest, "paths must be a non-empty list of paths starting with \"/\"; only a trailing \"*\" is a wildcard"}
	errMethod       = apiError{"MethodNotAllowed", http.StatusMethodNotAllowed, "the endpoint does not take this method"}
	errUnknownDist  = apiError{"NoSuchDistribution", http.StatusNotFound, "no distribution of that name"}
	errNoSchedule   = apiError{"NoSuchSchedule", http.StatusNotFound, "the function has no schedule event"}
)

type errorBody struct {
	Error struct {
		apiError
		Detail string `json:"detail,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, e apiError, detail string) {
	var b errorBody
	b.Error.apiError = e
	b.Error.Detail = detail
	writeJSON(w, e.Status, b)
}
