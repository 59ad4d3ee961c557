package awsapi

import (
	"encoding/xml"
	"net/http"
)

type xmlFunctionList struct {
	XMLName    xml.Name             `xml:"http://cloudfront.amazonaws.com/doc/2020-05-31/ FunctionList"`
	NextMarker string               `xml:"NextMarker,omitempty"`
	MaxItems   int                  `xml:"MaxItems"`
	Quantity   int                  `xml:"Quantity"`
	Items      []xmlFunctionSummary `xml:"Items>FunctionSummary,omitempty"`
}

// listFunctions is CloudFront's ListFunctions: the cdn-functions, by
// name, in pages.
func (c *cloudFront) listFunctions(w http.ResponseWriter, r *http.Request) error {
	stage, err := stageOf(r.URL.Query().Get("Stage"), stageLive)
	if err != nil {
		return err
	}
	fs := c.cdn.CDNFunctions()
	from, to, next, size, err := cfPage(len(fs), r)
	if err != nil {
		return err
	}
	out := xmlFunctionList{NextMarker: next, MaxItems: size}
	for _, f := range fs[from:to] {
		out.Items = append(out.Items, functionSummary(f, stage))
	}
	out.Quantity = len(out.Items)
	return writeCF(w, http.StatusOK, out)
}
