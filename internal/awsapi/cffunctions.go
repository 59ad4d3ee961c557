package awsapi

import (
	"encoding/xml"
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
)

// xmlFunctionSummary is a CloudFront Function as DescribeFunction,
// ListFunctions and TestFunction show it.
type xmlFunctionSummary struct {
	XMLName        xml.Name `xml:"FunctionSummary"`
	Name           string   `xml:"Name"`
	Status         string   `xml:"Status"`
	FunctionConfig struct {
		Comment                   string `xml:"Comment"`
		Runtime                   string `xml:"Runtime"`
		KeyValueStoreAssociations *struct {
			Quantity int      `xml:"Quantity"`
			Items    []string `xml:"Items>KeyValueStoreAssociation>KeyValueStoreARN"`
		} `xml:"KeyValueStoreAssociations,omitempty"`
	} `xml:"FunctionConfig"`
	FunctionMetadata struct {
		FunctionARN      string `xml:"FunctionARN"`
		Stage            string `xml:"Stage"`
		CreatedTime      string `xml:"CreatedTime"`
		LastModifiedTime string `xml:"LastModifiedTime"`
	} `xml:"FunctionMetadata"`
}

// keyValueStoreARN is a key-value-store's ARN: CloudFront KeyValueStore
// ids are uuids, Verge's stores are named.
func keyValueStoreARN(name string) string {
	return "arn:aws:cloudfront::" + arn.Account + ":key-value-store/" + name
}

func functionSummary(f CDNFunction, stage string) xmlFunctionSummary {
	var s xmlFunctionSummary
	s.Name, s.Status = f.Name, functionStatus
	s.FunctionConfig.Comment = "verge: the cdn-function " + f.Name
	s.FunctionConfig.Runtime = f.Runtime
	if f.KeyValueStore != "" {
		s.FunctionConfig.KeyValueStoreAssociations = &struct {
			Quantity int      `xml:"Quantity"`
			Items    []string `xml:"Items>KeyValueStoreAssociation>KeyValueStoreARN"`
		}{1, []string{keyValueStoreARN(f.KeyValueStore)}}
	}
	m := &s.FunctionMetadata
	m.FunctionARN, m.Stage = arn.CloudFrontFunction(f.Name), stage
	m.CreatedTime, m.LastModifiedTime = cfTime(f.Modified), cfTime(f.Modified)
	return s
}

// stageOf reads a Stage parameter, def when none is given. Verge's
// functions are the stack's, one version in both stages.
func stageOf(s, def string) (string, error) {
	switch s {
	case "":
		return def, nil
	case stageLive, stageDevelopment:
		return s, nil
	}
	return "", errInvalidArgument.With("Stage must be DEVELOPMENT or LIVE: " + s)
}

// function finds a cdn-function by name.
func (c *cloudFront) function(name string) (CDNFunction, error) {
	for _, f := range c.cdn.CDNFunctions() {
		if f.Name == name {
			return f, nil
		}
	}
	return CDNFunction{}, errNoSuchFunction.With("The function does not exist: " + name)
}

// checkIfMatch refuses a version tag that is not f's; none is taken as
// the current one.
func checkIfMatch(r *http.Request, f CDNFunction) error {
	if m := r.Header.Get(HeaderIfMatch); m != "" && m != f.ETag {
		return errPreconditionFailed.With("The If-Match version is missing or not valid for the function: want " + f.ETag)
	}
	return nil
}
