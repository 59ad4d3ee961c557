package awsapi

import (
	"encoding/json"
	"encoding/xml"
	"hash/crc32"
	"net/http"
	"strconv"
)

// renamed are the codes whose name differs in the XML and query
// protocols, as AWS's services answer them.
var renamed = map[Protocol]map[string]string{
	Query: {
		ErrUnknownOperation.Code:   "InvalidAction",
		ErrAccessDenied.Code:       "AccessDenied",
		ErrUnrecognizedClient.Code: "InvalidClientTokenId",
		ErrInvalidSignature.Code:   "SignatureDoesNotMatch",
	},
	RESTXML: {
		ErrUnknownOperation.Code:   "InvalidAction",
		ErrAccessDenied.Code:       "AccessDenied",
		ErrUnrecognizedClient.Code: "InvalidClientTokenId",
		ErrInvalidSignature.Code:   "SignatureDoesNotMatch",
	},
	S3XML: {
		ErrUnknownOperation.Code:   "NotImplemented",
		ErrAccessDenied.Code:       "AccessDenied",
		ErrUnrecognizedClient.Code: "InvalidAccessKeyId",
		ErrInvalidSignature.Code:   "SignatureDoesNotMatch",
	},
}

// writeError writes e in protocol p's shape, with the request id already
// in the response's X-Amzn-RequestId.
func writeError(w http.ResponseWriter, p Protocol, e *Error) {
	code := e.Code
	if c, ok := renamed[p][code]; ok {
		code = c
	}
	if p == Query && e.QueryCode != "" {
		code = e.QueryCode
	}
	h := w.Header()
	id := h.Get(HeaderRequestID)
	switch p {
	case JSON10, JSON11, CBOR11:
		writeJSONError(w, p, e, code)
	case Query, RESTXML:
		h.Set("Content-Type", contentXML)
		w.WriteHeader(e.Status)
		writeXML(w, xmlErrorResponse{Error: xmlError{Type: e.Fault, Code: code, Message: e.Message}, RequestID: id})
	case S3XML:
		h.Set("Content-Type", "application/xml")
		hostID := s3HostID(id)
		h.Set(HeaderAmzRequestID, id)
		h.Set(hdrHostID, hostID)
		w.WriteHeader(e.Status)
		writeXML(w, s3Error{Code: code, Message: e.Message, Resource: e.Resource, RequestID: id, HostID: hostID})
	default: // RESTJSON: Lambda's shape
		h.Set("Content-Type", contentJSON)
		h.Set(HeaderErrorType, code)
		w.WriteHeader(e.Status)
		json.NewEncoder(w).Encode(restJSONError{Type: lambdaType(e.Fault), Message: e.Message, Reason: e.Reason})
	}
}

// writeJSONError is AWS JSON 1.0/1.1's (and CBOR 1.1's) error: the type as __type and in
// X-Amzn-ErrorType, where the SDKs look. These services answer client
// errors with 400 (413 for a body too large).
func writeJSONError(w http.ResponseWriter, p Protocol, e *Error, code string) {
	status := e.Status
	if status >= 400 && status < 500 && status != http.StatusRequestEntityTooLarge {
		status = http.StatusBadRequest
	}
	ct := contentJSON11
	switch p {
	case JSON10:
		ct = contentJSON10
	case CBOR11:
		ct = contentCBOR
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set(HeaderErrorType, code)
	if e.QueryCode != "" {
		fault := e.Fault
		if fault == "" {
			fault = faultSender
		}
		h.Set(HeaderQueryError, e.QueryCode+";"+fault)
	}
	doc := jsonError{Type: e.Namespace + code, Message: e.Message}
	var b []byte
	switch {
	case len(e.Fields) > 0:
		m := map[string]any{"__type": doc.Type, "message": doc.Message}
		for k, v := range e.Fields {
			m[k] = v
		}
		b, _ = json.Marshal(m)
		b = append(b, '\n')
	case p == CBOR11:
		b, _ = cborEnc.Marshal(doc)
	default:
		b, _ = json.Marshal(doc)
		b = append(b, '\n')
	}
	if e.Namespace == dynamoNamespace {
		// DynamoDB's errors carry the body's CRC32 as its answers do.
		h.Set(headerCRC32, strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10))
	}
	w.WriteHeader(status)
	w.Write(b)
}

type jsonError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// restJSONError is Lambda's error document: the SDKs read the exception
// name from X-Amzn-ErrorType and the message from "message".
type restJSONError struct {
	Type    string `json:"Type"`
	Message string `json:"message"`
	Reason  string `json:"Reason,omitempty"`
}

// lambdaType is the fault as Lambda's bodies say it.
func lambdaType(fault string) string {
	if fault == faultReceiver {
		return "Service"
	}
	return "User"
}

type xmlError struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// xmlErrorResponse is the query protocol's and CloudFront's error.
type xmlErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Error     xmlError `xml:"Error"`
	RequestID string   `xml:"RequestId"`
}

// s3Error is S3's error document.
type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource,omitempty"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}

func writeXML(w http.ResponseWriter, v any) {
	w.Write([]byte(xml.Header))
	xml.NewEncoder(w).Encode(v)
}

// writeJSON writes a successful JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return ErrInternal.With("encoding the response: " + err.Error())
	}
	w.Header().Set("Content-Type", contentJSON)
	w.WriteHeader(status)
	w.Write(b)
	return nil
}
