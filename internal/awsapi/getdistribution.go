package awsapi

import (
	"encoding/xml"
	"net/http"
)

type xmlDistribution struct {
	XMLName                       xml.Name    `xml:"http://cloudfront.amazonaws.com/doc/2020-05-31/ Distribution"`
	ID                            string      `xml:"Id"`
	ARN                           string      `xml:"ARN"`
	Status                        string      `xml:"Status"`
	LastModifiedTime              string      `xml:"LastModifiedTime"`
	InProgressInvalidationBatches int         `xml:"InProgressInvalidationBatches"`
	DomainName                    string      `xml:"DomainName"`
	ActiveTrustedSigners          xmlSigners  `xml:"ActiveTrustedSigners"`
	DistributionConfig            xmlDistConf `xml:"DistributionConfig"`
}

type xmlSigners struct {
	Enabled  bool `xml:"Enabled"`
	Quantity int  `xml:"Quantity"`
}

type xmlDistConf struct {
	CallerReference string `xml:"CallerReference"`
	xmlDistributionBody
}

// getDistribution is GetDistribution: one CDN by Id (or resource name),
// with its ETag.
func (c *cloudFront) getDistribution(w http.ResponseWriter, r *http.Request) error {
	d, err := c.distribution(r.PathValue(pathID))
	if err != nil {
		return err
	}
	out := xmlDistribution{ID: DistributionID(d.Name), ARN: distributionARN(d), Status: statusDeployed,
		LastModifiedTime: cfTime(d.Modified), DomainName: d.Domain,
		DistributionConfig: xmlDistConf{CallerReference: "verge:" + d.Name, xmlDistributionBody: distributionBody(d, true)}}
	w.Header().Set(HeaderETag, etag(d.Name, d.Modified.UnixNano()))
	return writeCF(w, http.StatusOK, out)
}
