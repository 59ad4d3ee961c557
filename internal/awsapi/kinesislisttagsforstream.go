package awsapi

import "net/http"

type listTagsForStreamIn struct {
	StreamName           string `json:"StreamName"`
	StreamARN            string `json:"StreamARN"`
	ExclusiveStartTagKey string `json:"ExclusiveStartTagKey"`
	Limit                *int   `json:"Limit"`
}

// listTagsForStream is ListTagsForStream: a page of tags by key, after
// ExclusiveStartTagKey.
func (a *kinesisAPI) listTagsForStream(w http.ResponseWriter, r *http.Request) error {
	var in listTagsForStreamIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.between(in.Limit, "limit", 1, maxListTags)
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	tags, err := a.k().Tags(r.Context(), name)
	if err != nil {
		return err
	}
	all := sortedTags(tags)
	page := all[:0:0]
	for _, t := range all {
		if t.Key > in.ExclusiveStartTagKey {
			page = append(page, t)
		}
	}
	limit := orDefault(in.Limit, defaultListTags)
	more := len(page) > limit
	if more {
		page = page[:limit]
	}
	return writeOutput(w, r, struct {
		Tags        []wireTag `json:"Tags"`
		HasMoreTags bool      `json:"HasMoreTags"`
	}{page, more})
}
