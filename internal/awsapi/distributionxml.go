package awsapi

import (
	"net/url"
	"strconv"

	"github.com/verge-edge/verge/internal/arn"
)

// The XML of a distribution, as DistributionSummary and DistributionConfig
// share it. Fields Verge has no counterpart for are written with
// CloudFront's defaults, so that tools reading them find them.

type xmlQuantity struct {
	Quantity int `xml:"Quantity"`
}

type xmlOrigins struct {
	Quantity int         `xml:"Quantity"`
	Items    []xmlOrigin `xml:"Items>Origin"`
}

type xmlOrigin struct {
	ID                 string                 `xml:"Id"`
	DomainName         string                 `xml:"DomainName"`
	OriginPath         string                 `xml:"OriginPath"`
	CustomHeaders      xmlQuantity            `xml:"CustomHeaders"`
	S3OriginConfig     *xmlS3OriginConfig     `xml:"S3OriginConfig,omitempty"`
	CustomOriginConfig *xmlCustomOriginConfig `xml:"CustomOriginConfig,omitempty"`
	ConnectionAttempts int                    `xml:"ConnectionAttempts"`
	ConnectionTimeout  int                    `xml:"ConnectionTimeout"`
}

type xmlS3OriginConfig struct {
	OriginAccessIdentity string `xml:"OriginAccessIdentity"`
}

type xmlCustomOriginConfig struct {
	HTTPPort             int    `xml:"HTTPPort"`
	HTTPSPort            int    `xml:"HTTPSPort"`
	OriginProtocolPolicy string `xml:"OriginProtocolPolicy"`
}

type xmlCacheBehaviors struct {
	Quantity int                `xml:"Quantity"`
	Items    []xmlCacheBehavior `xml:"Items>CacheBehavior"`
}

type xmlCacheBehavior struct {
	PathPattern          string                `xml:"PathPattern,omitempty"`
	TargetOriginID       string                `xml:"TargetOriginId"`
	ViewerProtocolPolicy string                `xml:"ViewerProtocolPolicy"`
	AllowedMethods       xmlMethods            `xml:"AllowedMethods"`
	Compress             bool                  `xml:"Compress"`
	LambdaAssociations   xmlLambdaAssociations `xml:"LambdaFunctionAssociations"`
	FunctionAssociations xmlFuncAssociations   `xml:"FunctionAssociations"`
	MinTTL               int64                 `xml:"MinTTL"`
	DefaultTTL           int64                 `xml:"DefaultTTL"`
	MaxTTL               int64                 `xml:"MaxTTL"`
}

type xmlMethods struct {
	Quantity      int      `xml:"Quantity"`
	Items         []string `xml:"Items>Method"`
	CachedMethods struct {
		Quantity int      `xml:"Quantity"`
		Items    []string `xml:"Items>Method"`
	} `xml:"CachedMethods"`
}

type xmlLambdaAssociations struct {
	Quantity int `xml:"Quantity"`
	Items    []struct {
		LambdaFunctionARN string `xml:"LambdaFunctionARN"`
		EventType         string `xml:"EventType"`
		IncludeBody       bool   `xml:"IncludeBody"`
	} `xml:"Items>LambdaFunctionAssociation,omitempty"`
}

type xmlFuncAssociations struct {
	Quantity int `xml:"Quantity"`
	Items    []struct {
		FunctionARN string `xml:"FunctionARN"`
		EventType   string `xml:"EventType"`
	} `xml:"Items>FunctionAssociation,omitempty"`
}

type xmlViewerCertificate struct {
	CloudFrontDefaultCertificate bool `xml:"CloudFrontDefaultCertificate"`
}

type xmlRestrictions struct {
	GeoRestriction struct {
		RestrictionType string `xml:"RestrictionType"`
		Quantity        int    `xml:"Quantity"`
	} `xml:"GeoRestriction"`
}

// xmlDistributionBody is what DistributionSummary and DistributionConfig
// have in common, in their order.
type xmlDistributionBody struct {
	Aliases              xmlQuantity          `xml:"Aliases"`
	DefaultRootObject    *string              `xml:"DefaultRootObject,omitempty"`
	Origins              xmlOrigins           `xml:"Origins"`
	OriginGroups         xmlQuantity          `xml:"OriginGroups"`
	DefaultCacheBehavior xmlCacheBehavior     `xml:"DefaultCacheBehavior"`
	CacheBehaviors       xmlCacheBehaviors    `xml:"CacheBehaviors"`
	CustomErrorResponses xmlQuantity          `xml:"CustomErrorResponses"`
	Comment              string               `xml:"Comment"`
	PriceClass           string               `xml:"PriceClass"`
	Enabled              bool                 `xml:"Enabled"`
	ViewerCertificate    xmlViewerCertificate `xml:"ViewerCertificate"`
	Restrictions         xmlRestrictions      `xml:"Restrictions"`
	WebACLID             string               `xml:"WebACLId"`
	HTTPVersion          string               `xml:"HttpVersion"`
	IsIPV6Enabled        bool                 `xml:"IsIPV6Enabled"`
}

// The methods a Verge distribution allows and caches, as CloudFront's
// broadest setting.
var (
	allowedMethods = []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
	cachedMethods  = []string{"GET", "HEAD"}
)

// distributionBody is d's shared XML.
func distributionBody(d Distribution, withRoot bool) xmlDistributionBody {
	b := xmlDistributionBody{Comment: "verge: the cdn of " + d.Name, PriceClass: "PriceClass_All", Enabled: true,
		ViewerCertificate: xmlViewerCertificate{CloudFrontDefaultCertificate: true}, HTTPVersion: "http2", IsIPV6Enabled: true}
	b.Restrictions.GeoRestriction.RestrictionType = "none"
	if withRoot {
		root := d.DefaultRootObject
		b.DefaultRootObject = &root
	}
	for _, o := range d.Origins {
		x := xmlOrigin{ID: o.ID, DomainName: o.Domain, OriginPath: o.Path, ConnectionAttempts: 3, ConnectionTimeout: 10}
		if o.Custom {
			policy := "http-only"
			if o.HTTPS {
				policy = "https-only"
			}
			x.CustomOriginConfig = &xmlCustomOriginConfig{HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: policy}
			if o.Port != 0 && o.HTTPS {
				x.CustomOriginConfig.HTTPSPort = o.Port
			} else if o.Port != 0 {
				x.CustomOriginConfig.HTTPPort = o.Port
			}
		} else {
			x.S3OriginConfig = &xmlS3OriginConfig{}
		}
		b.Origins.Items = append(b.Origins.Items, x)
	}
	b.Origins.Quantity = len(b.Origins.Items)
	for i, cb := range d.Behaviors {
		x := cacheBehavior(cb)
		if i == len(d.Behaviors)-1 {
			x.PathPattern = ""
			b.DefaultCacheBehavior = x
			continue
		}
		b.CacheBehaviors.Items = append(b.CacheBehaviors.Items, x)
	}
	b.CacheBehaviors.Quantity = len(b.CacheBehaviors.Items)
	return b
}

func cacheBehavior(cb CacheBehavior) xmlCacheBehavior {
	x := xmlCacheBehavior{PathPattern: cb.PathPattern, TargetOriginID: cb.OriginID, ViewerProtocolPolicy: "allow-all",
		Compress: cb.Compress, MinTTL: cb.MinTTL, DefaultTTL: cb.DefaultTTL, MaxTTL: cb.MaxTTL}
	x.AllowedMethods.Quantity, x.AllowedMethods.Items = len(allowedMethods), allowedMethods
	x.AllowedMethods.CachedMethods.Quantity, x.AllowedMethods.CachedMethods.Items = len(cachedMethods), cachedMethods
	for _, f := range cb.Functions {
		if f.Lambda {
			x.LambdaAssociations.Items = append(x.LambdaAssociations.Items, struct {
				LambdaFunctionARN string `xml:"LambdaFunctionARN"`
				EventType         string `xml:"EventType"`
				IncludeBody       bool   `xml:"IncludeBody"`
			}{f.ARN, f.EventType, false})
			continue
		}
		x.FunctionAssociations.Items = append(x.FunctionAssociations.Items, struct {
			FunctionARN string `xml:"FunctionARN"`
			EventType   string `xml:"EventType"`
		}{f.ARN, f.EventType})
	}
	x.LambdaAssociations.Quantity = len(x.LambdaAssociations.Items)
	x.FunctionAssociations.Quantity = len(x.FunctionAssociations.Items)
	return x
}

// OriginOf describes an HTTP origin's URL as CloudFront does: its host,
// path, scheme and port.
func OriginOf(id, rawURL string) DistributionOrigin {
	o := DistributionOrigin{ID: id, Domain: rawURL, Custom: true}
	u, err := url.Parse(rawURL)
	if err != nil {
		return o
	}
	o.Domain, o.Path, o.HTTPS = u.Hostname(), u.Path, u.Scheme == "https"
	o.Port, _ = strconv.Atoi(u.Port())
	return o
}

// distributionARN is d's ARN.
func distributionARN(d Distribution) string { return arn.Distribution(DistributionID(d.Name)) }
