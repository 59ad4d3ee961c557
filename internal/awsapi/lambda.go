package awsapi

import (
	"net/http"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/functions"
)

// Lambda's path segments: each operation group has its own API version.
const (
	pathName       = "FunctionName"
	pathUUID       = "UUID"
	pathFunctions  = "/2015-03-31/functions/"
	pathFunction   = pathFunctions + "{" + pathName + "}"
	pathMappings   = "/2015-03-31/event-source-mappings/"
	pathAccount    = "/2016-08-19/account-settings/"
	pathInvokeConf = "/2019-09-25/functions/{" + pathName + "}/event-invoke-config"
	pathConcGet    = "/2019-09-30/functions/{" + pathName + "}/concurrency"
	pathConcPut    = "/2017-10-31/functions/{" + pathName + "}/concurrency"
)

// Functions is what the Lambda API reads and runs: *functions.Service.
type Functions interface {
	Invoker
	Configs() []functions.Config
	Config(name, qualifier string) (functions.Config, error)
	Versions(name string) ([]functions.Config, error)
	Limits() (account, unreserved int)
}

// A Trigger is something that invokes a function and Lambda lists as an
// event source mapping: a schedule, an event-bus rule (and, later, a
// queue or a stream).
type Trigger struct {
	Function string
	// Source is the source's ARN (the rule's, the queue's); "" for a
	// Kafka mapping, which has none.
	Source string
	// UUID is the mapping's UUID; "" derives it from Function and Source
	// (MappingUUID).
	UUID string
	// A queue's mapping also has its settings and state; the zero values
	// leave them out (a rule's).
	BatchSize             int
	MaxBatchingWindow     int // seconds
	FunctionResponseTypes []string
	MaximumConcurrency    int
	// State is "Enabled" or "Disabled"; "" is "Enabled".
	State string
	// StateTransitionReason says why the mapping is in its state; ""
	// is "USER_INITIATED".
	StateTransitionReason string
	LastProcessingResult  string
	LastModified          time.Time
	// Stream holds a stream mapping's settings (a Kafka mapping's too);
	// nil for others.
	Stream *StreamSettings
	// Kafka holds a self-managed Kafka mapping's settings; nil for
	// others.
	Kafka *KafkaSettings
}

// KafkaSettings are a self-managed Kafka mapping's settings, as
// ListEventSourceMappings shows them.
type KafkaSettings struct {
	// Bootstrap are the brokers, HOST:PORT.
	Bootstrap []string
	Topic     string
	// Access are the SourceAccessConfigurations: the secrets' types and
	// ARNs.
	Access []SourceAccess
}

// A SourceAccess is a SourceAccessConfiguration: a secret's role
// (BASIC_AUTH, SASL_SCRAM_512_AUTH, CLIENT_CERTIFICATE_TLS_AUTH,
// SERVER_ROOT_CA_CERTIFICATE, ...) and its ARN.
type SourceAccess struct {
	Type, URI string
}

// StreamSettings are a stream mapping's settings, as
// ListEventSourceMappings shows them.
type StreamSettings struct {
	StartingPosition           string
	StartingPositionTimestamp  time.Time // AT_TIMESTAMP's
	MaximumRetryAttempts       int
	MaximumRecordAgeInSeconds  int
	BisectBatchOnFunctionError bool
	ParallelizationFactor      int
	TumblingWindowInSeconds    int
	OnFailure                  string // the destination's ARN, "" for none
}

// Triggers lists the triggers of the running plan.
type Triggers func() []Trigger

// Lambda returns the Lambda service. queue takes asynchronous invocations
// (nil refuses them); triggers lists event source mappings (nil: none).
func Lambda(fns Functions, queue Enqueuer, triggers Triggers) *Service {
	if triggers == nil {
		triggers = func() []Trigger { return nil }
	}
	l := &lambdaAPI{fns: fns, queue: queue, triggers: triggers}
	fn := functionResource
	ops := []Operation{
		{Name: "Invoke", Pattern: "POST " + pathFunction + "/invocations", Resources: fn, Handle: l.invoke},
		{Name: "ListFunctions", Pattern: "GET " + pathFunctions + "{$}", Handle: l.listFunctions},
		{Name: "GetFunction", Pattern: "GET " + pathFunction, Resources: fn, Handle: l.getFunction},
		{Name: "GetFunctionConfiguration", Pattern: "GET " + pathFunction + "/configuration", Resources: fn, Handle: l.getFunctionConfiguration},
		{Name: "GetAccountSettings", Pattern: "GET " + pathAccount + "{$}", Handle: l.getAccountSettings},
		{Name: "ListVersionsByFunction", Pattern: "GET " + pathFunction + "/versions", Resources: fn, Handle: l.listVersions},
		{Name: "ListAliases", Pattern: "GET " + pathFunction + "/aliases", Resources: fn, Handle: l.listAliases},
		{Name: "GetFunctionEventInvokeConfig", Pattern: "GET " + pathInvokeConf, Resources: fn, Handle: l.getEventInvokeConfig},
		{Name: "GetFunctionConcurrency", Pattern: "GET " + pathConcGet, Resources: fn, Handle: l.getConcurrency},
		{Name: "ListEventSourceMappings", Pattern: "GET " + pathMappings + "{$}", Handle: l.listMappings},
		{Name: "GetEventSourceMapping", Pattern: "GET " + pathMappings + "{" + pathUUID + "}", Resources: mappingResource, Handle: l.getMapping},
		{Name: "GetPolicy", Pattern: "GET " + pathFunction + "/policy", Resources: fn, Handle: l.getPolicy},
	}
	// Writes: the stack file is the one source of functions.
	for _, w := range []struct{ name, pattern string }{
		{"CreateFunction", "POST " + pathFunctions + "{$}"},
		{"DeleteFunction", "DELETE " + pathFunction},
		{"UpdateFunctionCode", "PUT " + pathFunction + "/code"},
		{"UpdateFunctionConfiguration", "PUT " + pathFunction + "/configuration"},
		{"PublishVersion", "POST " + pathFunction + "/versions"},
		{"CreateAlias", "POST " + pathFunction + "/aliases"},
		{"AddPermission", "POST " + pathFunction + "/policy"},
		{"PutFunctionConcurrency", "PUT " + pathConcPut},
		{"DeleteFunctionConcurrency", "DELETE " + pathConcPut},
		{"PutFunctionEventInvokeConfig", "PUT " + pathInvokeConf},
		{"UpdateFunctionEventInvokeConfig", "POST " + pathInvokeConf},
		{"DeleteFunctionEventInvokeConfig", "DELETE " + pathInvokeConf},
		{"CreateEventSourceMapping", "POST " + pathMappings + "{$}"},
		{"UpdateEventSourceMapping", "PUT " + pathMappings + "{" + pathUUID + "}"},
		{"DeleteEventSourceMapping", "DELETE " + pathMappings + "{" + pathUUID + "}"},
	} {
		res := fn
		if w.name == "CreateFunction" || w.name == "CreateEventSourceMapping" {
			res = nil
		}
		ops = append(ops, Operation{Name: w.name, Pattern: w.pattern, Resources: res, Handle: managed(w.name)})
	}
	for i := range ops {
		ops[i].Action = "lambda:" + ops[i].Name
	}
	// IAM names Invoke's action InvokeFunction.
	ops[0].Action = "lambda:InvokeFunction"
	return &Service{Name: "lambda", Protocol: RESTJSON, Ops: ops}
}

// lambdaAPI serves Lambda's operations.
type lambdaAPI struct {
	fns      Functions
	queue    Enqueuer
	triggers Triggers
}

// functionResource is the ARN of the function in the path, as IAM names
// it (with the qualifier when there is one).
func functionResource(r *http.Request) []string {
	name, q, err := parseFunctionName(r.PathValue(pathName))
	if err != nil {
		return nil
	}
	if q == "" {
		q = r.URL.Query().Get(QueryQualifier)
	}
	return []string{arn.Function(name, q)}
}

// mappingResource is an event source mapping's ARN.
func mappingResource(r *http.Request) []string {
	return []string{"arn:aws:lambda:" + arn.Region + ":" + arn.Account + ":event-source-mapping:" + r.PathValue(pathUUID)}
}

// config reads the version the path and Qualifier name.
func (l *lambdaAPI) config(r *http.Request) (functions.Config, error) {
	name, q, err := parseFunctionName(r.PathValue(pathName))
	if err != nil {
		return functions.Config{}, errInvalidParam.With(err.Error())
	}
	if qq := r.URL.Query().Get(QueryQualifier); qq != "" {
		q = qq
	}
	c, err := l.fns.Config(name, q)
	if err != nil {
		return c, invokeError(err)
	}
	return c, nil
}

var _ Functions = (*functions.Service)(nil)
