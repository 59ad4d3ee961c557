package awsapi

import (
	"encoding/xml"
	"net/http"
	"strconv"
)

type xmlDistributionSummary struct {
	ID               string `xml:"Id"`
	ARN              string `xml:"ARN"`
	Status           string `xml:"Status"`
	LastModifiedTime string `xml:"LastModifiedTime"`
	DomainName       string `xml:"DomainName"`
	xmlDistributionBody
	Staging bool `xml:"Staging"`
}

type xmlDistributionList struct {
	XMLName     xml.Name                 `xml:"http://cloudfront.amazonaws.com/doc/2020-05-31/ DistributionList"`
	Marker      string                   `xml:"Marker"`
	NextMarker  string                   `xml:"NextMarker,omitempty"`
	MaxItems    int                      `xml:"MaxItems"`
	IsTruncated bool                     `xml:"IsTruncated"`
	Quantity    int                      `xml:"Quantity"`
	Items       []xmlDistributionSummary `xml:"Items>DistributionSummary,omitempty"`
}

// listDistributions is ListDistributions: the plan's CDNs, by name, in
// pages.
func (c *cloudFront) listDistributions(w http.ResponseWriter, r *http.Request) error {
	ds := c.cdn.Distributions()
	from, to, next, size, err := cfPage(len(ds), r)
	if err != nil {
		return err
	}
	out := xmlDistributionList{Marker: r.URL.Query().Get("Marker"), NextMarker: next, MaxItems: size, IsTruncated: next != ""}
	for _, d := range ds[from:to] {
		out.Items = append(out.Items, xmlDistributionSummary{ID: DistributionID(d.Name), ARN: distributionARN(d),
			Status: statusDeployed, LastModifiedTime: cfTime(d.Modified), DomainName: d.Domain,
			xmlDistributionBody: distributionBody(d, false)})
	}
	out.Quantity = len(out.Items)
	return writeCF(w, http.StatusOK, out)
}

// etag is a version tag of what changes when the plan does.
func etag(name string, modified int64) string {
	return "E" + hashID(name+"@"+strconv.FormatInt(modified, 10))
}
