package awsapi

import "net/http"

type listVersionsOutput struct {
	Versions   []functionConfiguration `json:"Versions"`
	NextMarker string                  `json:"NextMarker,omitempty"`
}

// listVersions is ListVersionsByFunction: $LATEST, then each version Verge
// numbered (a build with a new configuration or code is a new version).
func (l *lambdaAPI) listVersions(w http.ResponseWriter, r *http.Request) error {
	name, _, err := parseFunctionName(r.PathValue(pathName))
	if err != nil {
		return errInvalidParam.With(err.Error())
	}
	vs, err := l.fns.Versions(name)
	if err != nil {
		return invokeError(err)
	}
	q := r.URL.Query()
	page, next, err := paginate(len(vs), q.Get("Marker"), q.Get("MaxItems"))
	if err != nil {
		return err
	}
	out := listVersionsOutput{Versions: []functionConfiguration{}, NextMarker: next}
	for _, c := range vs[page[0]:page[1]] {
		fc := configuration(c)
		if c.Version == "$LATEST" {
			fc.FunctionArn += ":$LATEST" // as Lambda lists it
		}
		out.Versions = append(out.Versions, fc)
	}
	return writeJSON(w, http.StatusOK, out)
}
