package awsapi

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/errs"
)

type xmlTestResult struct {
	XMLName               xml.Name           `xml:"http://cloudfront.amazonaws.com/doc/2020-05-31/ TestResult"`
	FunctionSummary       xmlFunctionSummary `xml:"FunctionSummary"`
	ComputeUtilization    string             `xml:"ComputeUtilization"`
	FunctionExecutionLogs []string           `xml:"FunctionExecutionLogs>member"`
	FunctionErrorMessage  string             `xml:"FunctionErrorMessage"`
	FunctionOutput        string             `xml:"FunctionOutput"`
}

// testFunction is TestFunction: the event through the cdn-function by
// the runner of `verge test-function`, whose output this is, with the
// function's summary. A function that throws is a result, not an error.
func (c *cloudFront) testFunction(w http.ResponseWriter, r *http.Request) error {
	f, err := c.function(r.PathValue(pathCFFunction))
	if err != nil {
		return err
	}
	if err := checkIfMatch(r, f); err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxTestEvent+1))
	if err != nil || len(b) > maxTestEvent {
		return errMalformedInput.With("The TestFunctionRequest is missing or too large (the event object is at most 40 KB).")
	}
	event, stage, err := parseTestFunctionRequest(b)
	if err != nil {
		return err
	}
	res, err := c.cdn.TestFunction(r.Context(), f.Name, event)
	switch {
	case errors.Is(err, errs.Invalid):
		return errInvalidArgument.With("The event object is not a CloudFront Functions event: " + err.Error())
	case errors.Is(err, errs.NotFound):
		return errNoSuchFunction.With("The function does not exist: " + f.Name)
	case err != nil:
		return errTestFunctionFailed.With(err.Error())
	}
	out := xmlTestResult{FunctionSummary: functionSummary(f, stage), ComputeUtilization: res.ComputeUtilization,
		FunctionExecutionLogs: res.FunctionExecutionLogs, FunctionErrorMessage: res.FunctionErrorMessage, FunctionOutput: res.FunctionOutput}
	return writeCF(w, http.StatusOK, out)
}

// parseTestFunctionRequest reads a TestFunctionRequest document: the
// event (base64 in the XML) and the stage, DEVELOPMENT when none is given.
func parseTestFunctionRequest(b []byte) (event []byte, stage string, err error) {
	var in struct {
		XMLName     xml.Name `xml:"TestFunctionRequest"`
		EventObject []byte   `xml:"EventObject"` // base64, which encoding/xml does not decode
		Stage       string   `xml:"Stage"`
	}
	if err := xml.Unmarshal(b, &in); err != nil {
		return nil, "", errMalformedInput.With("Could not parse the TestFunctionRequest XML: " + err.Error())
	}
	if event, err = decodeBase64(in.EventObject); err != nil {
		return nil, "", errInvalidArgument.With("EventObject is not base64: " + err.Error())
	}
	if len(event) == 0 {
		return nil, "", errInvalidArgument.With("EventObject is required.")
	}
	stage, err = stageOf(in.Stage, stageDevelopment)
	return event, stage, err
}

// decodeBase64 decodes an XML blob, which may be wrapped.
func decodeBase64(b []byte) ([]byte, error) {
	s := strings.Join(strings.Fields(string(b)), "")
	return base64.StdEncoding.DecodeString(s)
}
