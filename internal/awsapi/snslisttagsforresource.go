package awsapi

import (
	"maps"
	"net/http"
	"slices"
)

// listTagsForResource serves SNS's ListTagsForResource.
func (a *snsAPI) listTagsForResource(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	tags, err := a.svc().Tags(f.get("ResourceArn"))
	if err != nil {
		return snsErr(err)
	}
	type tag struct {
		Key   string `xml:"Key"`
		Value string `xml:"Value"`
	}
	var out struct {
		Tags []tag `xml:"Tags>member"`
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out.Tags = append(out.Tags, tag{k, tags[k]})
	}
	return writeSNS(w, "ListTagsForResource", out)
}
