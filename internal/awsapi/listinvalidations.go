package awsapi

import (
	"encoding/xml"
	"net/http"
)

type xmlInvalidationList struct {
	XMLName     xml.Name                 `xml:"http://cloudfront.amazonaws.com/doc/2020-05-31/ InvalidationList"`
	Marker      string                   `xml:"Marker"`
	NextMarker  string                   `xml:"NextMarker,omitempty"`
	MaxItems    int                      `xml:"MaxItems"`
	IsTruncated bool                     `xml:"IsTruncated"`
	Quantity    int                      `xml:"Quantity"`
	Items       []xmlInvalidationSummary `xml:"Items>InvalidationSummary,omitempty"`
}

type xmlInvalidationSummary struct {
	ID         string `xml:"Id"`
	CreateTime string `xml:"CreateTime"`
	Status     string `xml:"Status"`
}

// listInvalidations is ListInvalidations: the distribution's
// invalidations, newest first, in pages.
func (c *cloudFront) listInvalidations(w http.ResponseWriter, r *http.Request) error {
	d, err := c.distribution(r.PathValue(pathDistID))
	if err != nil {
		return err
	}
	c.mu.Lock()
	invs := c.invalidations[d.Name]
	c.mu.Unlock()
	from, to, next, size, err := cfPage(len(invs), r)
	if err != nil {
		return err
	}
	out := xmlInvalidationList{Marker: r.URL.Query().Get("Marker"), NextMarker: next, MaxItems: size, IsTruncated: next != ""}
	for _, inv := range invs[from:to] {
		out.Items = append(out.Items, xmlInvalidationSummary{ID: inv.ID, CreateTime: cfTime(inv.Created), Status: statusCompleted})
	}
	out.Quantity = len(out.Items)
	return writeCF(w, http.StatusOK, out)
}
