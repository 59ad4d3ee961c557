package lambdaedge

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// Event is a Lambda@Edge event: always exactly one record.
type Event struct {
	Records []Record `json:"Records"`
}

// Record is the event's one record.
type Record struct {
	CF CF `json:"cf"`
}

// CF is what CloudFront passes: the config block, the request, and at
// response triggers the response.
type CF struct {
	Config   Config    `json:"config"`
	Request  Request   `json:"request"`
	Response *Response `json:"response,omitempty"`
}

// Config is the event's cf.config block, plus what Build and
// AddCloudFrontHeaders need to know about the viewer.
type Config struct {
	DistributionDomainName string `json:"distributionDomainName"`
	DistributionID         string `json:"distributionId"`
	// EventType is the trigger; Build sets it.
	EventType string `json:"eventType"`
	RequestID string `json:"requestId"`
	// ViewerCountry is the viewer's ISO country code for the
	// CloudFront-Viewer-Country header, "" for none. Not in the event.
	ViewerCountry string `json:"-"`
}

// Request is the request as events show it. Fields appear in the order of
// AWS's samples (alphabetical).
type Request struct {
	// Body is set only when the trigger includes the body.
	Body     *Body   `json:"body,omitempty"`
	ClientIP string  `json:"clientIp"`
	Headers  Headers `json:"headers"`
	Method   string  `json:"method"`
	// Origin is set at origin events only.
	Origin      *Origin `json:"origin,omitempty"`
	Querystring string  `json:"querystring"`
	// URI is percent-encoded, as the viewer sent it.
	URI string `json:"uri"`
}

// Headers maps a lowercase header name to its lines, in order.
type Headers map[string][]Header

// Header is one header line: Key is the name with its casing, Value the
// value in UTF-8.
type Header struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
}

// Body is the request body of a trigger with includeBody.
type Body struct {
	// InputTruncated says Data holds only the first bytes of the body.
	InputTruncated bool `json:"inputTruncated"`
	// Action is "read-only" in events; "replace" in a result replaces it.
	Action string `json:"action"`
	// Encoding is "base64" in events; "text" or "base64" in a result.
	Encoding string `json:"encoding"`
	Data     string `json:"data"`
}

// Origin is exactly one of Custom and S3.
type Origin struct {
	Custom *CustomOrigin `json:"custom,omitempty"`
	S3     *S3Origin     `json:"s3,omitempty"`
}

// CustomOrigin is an HTTP origin.
type CustomOrigin struct {
	CustomHeaders    Headers  `json:"customHeaders"`
	DomainName       string   `json:"domainName"`
	KeepaliveTimeout int      `json:"keepaliveTimeout"`
	Path             string   `json:"path"`
	Port             int      `json:"port"`
	Protocol         string   `json:"protocol"`
	ReadTimeout      int      `json:"readTimeout"`
	SSLProtocols     []string `json:"sslProtocols"`
}

// S3Origin is a bucket.
type S3Origin struct {
	AuthMethod    string  `json:"authMethod"`
	CustomHeaders Headers `json:"customHeaders"`
	DomainName    string  `json:"domainName"`
	Path          string  `json:"path"`
	Region        string  `json:"region"`
}

// Response is the response at response triggers; Status is a string such
// as "200".
type Response struct {
	Headers           Headers `json:"headers"`
	Status            string  `json:"status"`
	StatusDescription string  `json:"statusDescription"`
}

// marshal writes v as compact JSON without HTML escaping ("<" stays "<",
// as in CloudFront's events).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// ParseEvent reads a Lambda@Edge event, such as a test event or a sample,
// and checks its shape: one record, a known event type, a request, an
// origin (of exactly one kind) where the event type has one, and a
// response with a numeric status at response triggers.
func ParseEvent(data []byte) (*Event, error) {
	const op errs.Op = "lambdaedge.ParseEvent"
	ev := new(Event)
	if err := json.Unmarshal(data, ev); err != nil {
		return nil, errs.E(op, errs.Invalid, err)
	}
	if len(ev.Records) != 1 {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("the event has %d records; want exactly 1", len(ev.Records)))
	}
	cf := &ev.Records[0].CF
	if err := checkEventShape(cf); err != nil {
		return nil, errs.E(op, errs.Invalid, err)
	}
	return ev, nil
}

func checkEventShape(cf *CF) error {
	t := stack.Trigger(cf.Config.EventType)
	if _, ok := readOnly[t]; !ok {
		return errs.Errorf("config.eventType %q is not a Lambda@Edge event type", cf.Config.EventType)
	}
	if o := cf.Request.Origin; o != nil && (o.Custom == nil) == (o.S3 == nil) {
		return errs.Errorf("request.origin must hold exactly one of custom and s3")
	}
	if hasOrigin(t) && cf.Request.Origin == nil {
		return errs.Errorf("a %s event needs request.origin", t)
	}
	if !isResponse(t) {
		return nil
	}
	if cf.Response == nil {
		return errs.Errorf("a %s event needs a response", t)
	}
	if _, err := strconv.Atoi(cf.Response.Status); err != nil {
		return errs.Errorf("response.status %q is not a number", cf.Response.Status)
	}
	return nil
}

// hasOrigin reports whether events of trigger t show request.origin.
func hasOrigin(t stack.Trigger) bool { return t == stack.OriginRequest || t == stack.OriginResponse }

// isResponse reports whether t is a response trigger.
func isResponse(t stack.Trigger) bool { return t == stack.OriginResponse || t == stack.ViewerResponse }
