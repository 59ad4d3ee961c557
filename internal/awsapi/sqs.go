package awsapi

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/sqs"
)

// SQS returns the queue service's API on q: AWS JSON 1.0 (X-Amz-Target
// AmazonSQS.*, today's SDKs) and the query protocol (Action=…, the older
// SDKs), both signed for "sqs".
func SQS(q Opener[*sqs.Service]) *Service {
	a := &sqsAPI{svc: lazy[*sqs.Service]{open: q}}
	byURL := sqsResource(func(in *sqsRef) string { return queueName(in.QueueURL) })
	byName := sqsResource(func(in *sqsRef) string { return in.QueueName })
	bySource := func(r *http.Request) []string {
		in := peekSQS(r)
		out := []string{}
		for _, s := range []string{in.SourceArn, in.DestinationArn, taskSource(in.TaskHandle)} {
			if s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	ops := []Operation{
		{Name: "GetQueueUrl", Resources: byName, Handle: a.getQueueURL},
		{Name: "ListQueues", Handle: a.listQueues},
		{Name: "CreateQueue", Resources: byName, Handle: a.createQueue},
		{Name: "DeleteQueue", Resources: byURL, Handle: a.deleteQueue},
		{Name: "SendMessage", Resources: byURL, Handle: a.sendMessage},
		{Name: "SendMessageBatch", Resources: byURL, Handle: a.sendMessageBatch},
		{Name: "ReceiveMessage", Resources: byURL, Handle: a.receiveMessage},
		{Name: "DeleteMessage", Resources: byURL, Handle: a.deleteMessage},
		{Name: "DeleteMessageBatch", Resources: byURL, Handle: a.deleteMessageBatch},
		{Name: "ChangeMessageVisibility", Resources: byURL, Handle: a.changeMessageVisibility},
		{Name: "ChangeMessageVisibilityBatch", Resources: byURL, Handle: a.changeMessageVisibilityBatch},
		{Name: "PurgeQueue", Resources: byURL, Handle: a.purgeQueue},
		{Name: "GetQueueAttributes", Resources: byURL, Handle: a.getQueueAttributes},
		{Name: "SetQueueAttributes", Resources: byURL, Handle: a.setQueueAttributes},
		{Name: "ListDeadLetterSourceQueues", Resources: byURL, Handle: a.listDeadLetterSourceQueues},
		{Name: "StartMessageMoveTask", Resources: bySource, Handle: a.startMessageMoveTask},
		{Name: "ListMessageMoveTasks", Resources: bySource, Handle: a.listMessageMoveTasks},
		{Name: "CancelMessageMoveTask", Resources: bySource, Handle: a.cancelMessageMoveTask},
		{Name: "TagQueue", Resources: byURL, Handle: a.tagQueue},
		{Name: "UntagQueue", Resources: byURL, Handle: a.untagQueue},
		{Name: "ListQueueTags", Resources: byURL, Handle: a.listQueueTags},
	}
	for i := range ops {
		ops[i].Action = "sqs:" + ops[i].Name
		h := ops[i].Handle
		ops[i].Handle = func(w http.ResponseWriter, r *http.Request) error { return sqsError(h(w, r)) }
	}
	a.svc.guard(ops)
	return &Service{Name: "sqs", Protocol: JSON10, AlsoQuery: true, Target: sqsTarget, Ops: ops}
}

// sqsAPI serves SQS's operations.
type sqsAPI struct{ svc lazy[*sqs.Service] }

// q is the queue service, open once a handler runs.
func (a *sqsAPI) q() *sqs.Service { return a.svc.v }

// sqsRef is what the resource functions read of a request.
type sqsRef struct {
	QueueURL       string `json:"QueueUrl"`
	QueueName      string
	SourceArn      string
	DestinationArn string
	TaskHandle     string
}

func (in *sqsRef) flatFields() []flatField {
	return []flatField{{name: "QueueUrl", str: &in.QueueURL}, {name: "QueueName", str: &in.QueueName}, {name: "SourceArn", str: &in.SourceArn},
		{name: "DestinationArn", str: &in.DestinationArn}, {name: "TaskHandle", str: &in.TaskHandle}}
}

// peekSQS reads a request's queue references in either protocol, leaving
// the body for the handler.
func peekSQS(r *http.Request) sqsRef {
	var in sqsRef
	if isQueryRequest(r) {
		f, err := readForm(r)
		if err != nil {
			return in
		}
		in = sqsRef{QueueURL: f.Get("QueueUrl"), QueueName: f.Get("QueueName"), SourceArn: f.Get("SourceArn"),
			DestinationArn: f.Get("DestinationArn"), TaskHandle: f.Get("TaskHandle")}
		if in.QueueURL == "" {
			in.QueueURL = r.URL.Path
		}
		return in
	}
	peekJSON(r, &in)
	return in
}

func sqsResource(name func(*sqsRef) string) func(r *http.Request) []string {
	return func(r *http.Request) []string {
		in := peekSQS(r)
		if n := name(&in); n != "" {
			return []string{arn.Queue(n)}
		}
		return nil
	}
}

// queueName is the name a QueueUrl names: any host's URL, or the path
// alone ("/000000000000/jobs").
func queueName(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = ""
		}
	}
	u = strings.Trim(u, "/")
	acct, name, ok := strings.Cut(u, "/")
	if !ok || acct == "" || strings.Contains(name, "/") {
		return ""
	}
	return name
}

// queueURL is the URL of queue name as the client reached this host.
func queueURL(r *http.Request, name string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/" + arn.Account + "/" + name
}

// taskSource is the source ARN a move task handle carries.
func taskSource(h string) string {
	b, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		return ""
	}
	var t struct {
		SourceArn string `json:"sourceArn"`
	}
	json.Unmarshal(b, &t)
	return t.SourceArn
}

// sqsIn is an operation's input: JSON by its struct tags, the query
// protocol by fromForm.
type sqsIn interface{ fromForm(f url.Values) }

// read decodes r into in, in r's protocol.
func (a *sqsAPI) read(r *http.Request, in sqsIn) error {
	if isQueryRequest(r) {
		f, err := readForm(r)
		if err != nil {
			return err
		}
		in.fromForm(f)
		if u, ok := in.(interface{ setURL(string) }); ok && f.Get("QueueUrl") == "" {
			u.setURL(r.URL.Path) // the query protocol's queue in the path
		}
		return nil
	}
	return readJSON(r, in)
}

// queue resolves a QueueUrl to its name, QueueDoesNotExist if none.
func (a *sqsAPI) queue(u string) (string, error) {
	if u == "" {
		return "", &sqs.Error{Code: sqs.CodeMissingParameter, Message: "The request must contain the parameter QueueUrl."}
	}
	n := queueName(u)
	if n == "" || !a.q().Exists(n) {
		return "", &sqs.Error{Code: sqs.CodeQueueDoesNotExist, Message: "The specified queue does not exist."}
	}
	return n, nil
}

// queueIn is the input of the operations that take a queue only.
type queueIn struct {
	QueueURL string `json:"QueueUrl"`
}

func (in *queueIn) fromForm(f url.Values) { in.QueueURL = f.Get("QueueUrl") }
func (in *queueIn) setURL(u string)       { in.QueueURL = u }

// readQueue is the queue of an operation that takes only a queue.
func (a *sqsAPI) readQueue(r *http.Request) (string, error) {
	var in queueIn
	if err := a.read(r, &in); err != nil {
		return "", err
	}
	return a.queue(in.QueueURL)
}

// write writes an operation's result in r's protocol; out nil is an
// empty result.
func (a *sqsAPI) write(w http.ResponseWriter, r *http.Request, action string, out any) error {
	if isQueryRequest(r) {
		return writeQuery(w, action, sqsNamespace, out)
	}
	var b []byte
	if out == nil {
		b = []byte("{}")
	} else if o, ok := out.(interface{ appendJSON([]byte) []byte }); ok {
		b = o.appendJSON(make([]byte, 0, 256))
	} else {
		var err error
		if b, err = json.Marshal(out); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Content-Type", contentJSON10)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
	return nil
}

// sqsErrors are SQS's errors by code: the query protocol's name where it
// differs, and the status.
var sqsErrors = map[string]struct {
	query  string
	status int
}{
	sqs.CodeQueueDoesNotExist:      {"AWS.SimpleQueueService.NonExistentQueue", 400},
	sqs.CodeQueueNameExists:        {"QueueAlreadyExists", 400},
	sqs.CodeQueueDeletedRecently:   {"AWS.SimpleQueueService.QueueDeletedRecently", 400},
	sqs.CodeTooManyEntries:         {"AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400},
	sqs.CodeEmptyBatch:             {"AWS.SimpleQueueService.EmptyBatchRequest", 400},
	sqs.CodeBatchIDsNotDistinct:    {"AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400},
	sqs.CodeInvalidBatchEntryID:    {"AWS.SimpleQueueService.InvalidBatchEntryId", 400},
	sqs.CodeBatchRequestTooLong:    {"AWS.SimpleQueueService.BatchRequestTooLong", 400},
	sqs.CodeMessageNotInflight:     {"AWS.SimpleQueueService.MessageNotInflight", 400},
	sqs.CodePurgeQueueInProgress:   {"AWS.SimpleQueueService.PurgeQueueInProgress", 400},
	sqs.CodeUnsupportedOperation:   {"AWS.SimpleQueueService.UnsupportedOperation", 400},
	sqs.CodeOverLimit:              {"OverLimit", 403},
	sqs.CodeResourceNotFound:       {"ResourceNotFoundException", 404},
	sqs.CodeInternal:               {"InternalError", 500},
	sqs.CodeInvalidParameterValue:  {"InvalidParameterValue", 400},
	sqs.CodeMissingParameter:       {"MissingParameter", 400},
	sqs.CodeInvalidAttributeName:   {"InvalidAttributeName", 400},
	sqs.CodeInvalidAttributeValue:  {"InvalidAttributeValue", 400},
	sqs.CodeInvalidMessageContents: {"InvalidMessageContents", 400},
	sqs.CodeReceiptHandleIsInvalid: {"ReceiptHandleIsInvalid", 400},
}

// sqsError is err as a wire error: an *sqs.Error with SQS's shape (its
// code in both protocols), anything else as it is.
func sqsError(err error) error {
	if err == nil {
		return nil // before e, which escapes: a success allocates nothing here
	}
	var e *sqs.Error
	if !errors.As(err, &e) {
		if ae, ok := err.(*Error); ok && ae.Code == ErrSerialization.Code {
			// SQS answers a malformed request in its own words.
			return &Error{Code: sqs.CodeInvalidParameterValue, QueryCode: "MalformedQueryString", Status: 400, Fault: faultSender, Message: ae.Message, Namespace: sqsErrorNS}
		}
		return err
	}
	m, ok := sqsErrors[e.Code]
	if !ok {
		m.query, m.status = e.Code, 400
	}
	fault := faultSender
	if m.status >= 500 {
		fault = faultReceiver
	}
	return &Error{Code: e.Code, QueryCode: m.query, Status: m.status, Fault: fault, Message: e.Message, Namespace: sqsErrorNS}
}

// missing is MissingParameter.
func missing(name string) error {
	return &sqs.Error{Code: sqs.CodeMissingParameter, Message: "The request must contain the parameter " + name + "."}
}

// wireAttr is a message attribute on the wire. The query protocol sends
// BinaryValue base64-encoded; JSON's []byte is base64 too.
type wireAttr struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

// attrsIn converts wire attributes to the service's.
func attrsIn(m map[string]wireAttr) map[string]sqs.MessageAttribute {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]sqs.MessageAttribute, len(m))
	for k, v := range m {
		out[k] = sqs.MessageAttribute{DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue}
	}
	return out
}

// formAttrs reads "prefix.N.Name" and "prefix.N.Value.*" attributes.
func formAttrs(f url.Values, prefix string) map[string]wireAttr {
	var out map[string]wireAttr
	for _, e := range queryEntries(f, prefix) {
		name, ok := e["Name"]
		if !ok {
			continue
		}
		a, err := queryAttr(e)
		if err != nil && a.BinaryValue == nil {
			a.BinaryValue = []byte{} // invalid base64: refused as empty
		}
		if out == nil {
			out = map[string]wireAttr{}
		}
		out[name[0]] = a
	}
	return out
}

// xmlAttrs is a string map that the query protocol writes as
// <Attribute><Name/><Value/></Attribute> entries, sorted.
type xmlAttrs map[string]string

func (m xmlAttrs) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return encodePairs(e, start, m, "Name", "Value")
}

// xmlTags is a string map written as <Tag><Key/><Value/></Tag> entries.
type xmlTags map[string]string

func (m xmlTags) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return encodePairs(e, start, m, "Key", "Value")
}

// xmlMessageAttrs are message attributes written as <MessageAttribute>
// entries with their Value's fields, BinaryValue in base64.
type xmlMessageAttrs map[string]wireAttr

func (m xmlMessageAttrs) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	type value struct {
		StringValue string `xml:"StringValue,omitempty"`
		BinaryValue string `xml:"BinaryValue,omitempty"`
		DataType    string `xml:"DataType"`
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		a := m[k]
		v := value{StringValue: a.StringValue, DataType: a.DataType}
		if len(a.BinaryValue) > 0 {
			v.BinaryValue = base64.StdEncoding.EncodeToString(a.BinaryValue)
		}
		if err := e.EncodeElement(struct {
			Name  string `xml:"Name"`
			Value value  `xml:"Value"`
		}{k, v}, start); err != nil {
			return err
		}
	}
	return nil
}

// batchError is a failed batch entry.
type batchError struct {
	ID          string `json:"Id" xml:"Id"`
	SenderFault bool   `json:"SenderFault" xml:"SenderFault"`
	Code        string `json:"Code" xml:"Code"`
	Message     string `json:"Message,omitempty" xml:"Message,omitempty"`
}

// entryError is a batch entry's failure from err.
func entryError(id string, err error, query bool) batchError {
	var e *sqs.Error
	if !errors.As(err, &e) {
		return batchError{ID: id, Code: sqs.CodeInternal, Message: err.Error()}
	}
	code := e.Code
	if m, ok := sqsErrors[code]; ok && query {
		code = m.query
	}
	return batchError{ID: id, SenderFault: e.Code != sqs.CodeInternal, Code: code, Message: e.Message}
}

// checkBatch applies SQS's rules for a batch's entry ids.
func checkBatch(ids []string, entry string) error {
	if len(ids) == 0 {
		return &sqs.Error{Code: sqs.CodeEmptyBatch, Message: "There should be at least one " + entry + " in the request."}
	}
	if len(ids) > sqs.MaxBatch {
		return &sqs.Error{Code: sqs.CodeTooManyEntries, Message: "Maximum number of entries per request are 10. You have sent " + strconv.Itoa(len(ids)) + "."}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if !sqs.ValidBatchID(id) {
			return &sqs.Error{Code: sqs.CodeInvalidBatchEntryID, Message: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."}
		}
		if seen[id] {
			return &sqs.Error{Code: sqs.CodeBatchIDsNotDistinct, Message: "Id " + id + " repeated."}
		}
		seen[id] = true
	}
	return nil
}

// formInt reads an optional integer parameter; a malformed one is -1,
// which every range check refuses.
func formInt(f url.Values, name string) *int {
	v, ok := f[name]
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil {
		n = -1
	}
	return &n
}
