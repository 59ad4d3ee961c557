package awsapi

import (
	"cmp"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
)

// mappingNamespace makes an event source mapping's UUID from its function
// and source: the same trigger keeps its UUID across restarts.
var mappingNamespace = uuid.MustParse("5b0c3a4e-9d1f-4c55-8a61-3f0e7d2b9c10")

// started stands for the mappings' LastModified: they exist since Verge
// applied the plan, which is near enough for what the field is used for.
var started = time.Now()

type eventSourceMapping struct {
	UUID                           string         `json:"UUID"`
	EventSourceArn                 string         `json:"EventSourceArn,omitempty"`
	FunctionArn                    string         `json:"FunctionArn"`
	State                          string         `json:"State"`
	StateTransitionReason          string         `json:"StateTransitionReason"`
	LastModified                   float64        `json:"LastModified"`
	LastProcessingResult           string         `json:"LastProcessingResult"`
	BatchSize                      int            `json:"BatchSize,omitempty"`
	MaximumBatchingWindowInSeconds *int           `json:"MaximumBatchingWindowInSeconds,omitempty"`
	FunctionResponseTypes          []string       `json:"FunctionResponseTypes,omitempty"`
	ScalingConfig                  *scalingConfig `json:"ScalingConfig,omitempty"`
	// A stream mapping's settings.
	StartingPosition           string             `json:"StartingPosition,omitempty"`
	StartingPositionTimestamp  *float64           `json:"StartingPositionTimestamp,omitempty"`
	MaximumRetryAttempts       *int               `json:"MaximumRetryAttempts,omitempty"`
	MaximumRecordAgeInSeconds  *int               `json:"MaximumRecordAgeInSeconds,omitempty"`
	BisectBatchOnFunctionError *bool              `json:"BisectBatchOnFunctionError,omitempty"`
	ParallelizationFactor      int                `json:"ParallelizationFactor,omitempty"`
	TumblingWindowInSeconds    *int               `json:"TumblingWindowInSeconds,omitempty"`
	DestinationConfig          *destinationConfig `json:"DestinationConfig,omitempty"`
	// A self-managed Kafka mapping's.
	SelfManagedEventSource            *selfManagedEventSource `json:"SelfManagedEventSource,omitempty"`
	Topics                            []string                `json:"Topics,omitempty"`
	SourceAccessConfigurations        []sourceAccess          `json:"SourceAccessConfigurations,omitempty"`
	SelfManagedKafkaEventSourceConfig *kafkaConfig            `json:"SelfManagedKafkaEventSourceConfig,omitempty"`
}

type selfManagedEventSource struct {
	Endpoints map[string][]string `json:"Endpoints"`
}

type sourceAccess struct {
	Type string `json:"Type"`
	URI  string `json:"URI"`
}

type kafkaConfig struct {
	ConsumerGroupId string `json:"ConsumerGroupId"`
}

type destinationConfig struct {
	OnFailure struct {
		Destination string `json:"Destination,omitempty"`
	} `json:"OnFailure"`
}

type scalingConfig struct {
	MaximumConcurrency int `json:"MaximumConcurrency"`
}

type listMappingsOutput struct {
	EventSourceMappings []eventSourceMapping `json:"EventSourceMappings"`
	NextMarker          string               `json:"NextMarker,omitempty"`
}

// MappingUUID is the UUID of the event source mapping of function to the
// source ARN: the same trigger keeps its UUID across restarts (the stream
// triggers keep their checkpoints under it).
func MappingUUID(function, source string) string {
	return uuid.NewSHA1(mappingNamespace, []byte(function+"\x00"+source)).String()
}

// mapping is t as Lambda describes an event source mapping.
func mapping(t Trigger) eventSourceMapping {
	m := eventSourceMapping{
		UUID:           cmp.Or(t.UUID, MappingUUID(t.Function, t.Source)),
		EventSourceArn: t.Source, FunctionArn: arn.Function(t.Function, ""),
		State: cmp.Or(t.State, "Enabled"), StateTransitionReason: cmp.Or(t.StateTransitionReason, "USER_INITIATED"), LastModified: epoch(started),
		LastProcessingResult: cmp.Or(t.LastProcessingResult, "OK"),
		BatchSize:            t.BatchSize, FunctionResponseTypes: t.FunctionResponseTypes,
	}
	if !t.LastModified.IsZero() {
		m.LastModified = epoch(t.LastModified)
	}
	if t.BatchSize > 0 {
		m.MaximumBatchingWindowInSeconds = &t.MaxBatchingWindow
	}
	if t.MaximumConcurrency > 0 {
		m.ScalingConfig = &scalingConfig{MaximumConcurrency: t.MaximumConcurrency}
	}
	if st := t.Stream; st != nil {
		streamMapping(&m, st)
	}
	if k := t.Kafka; k != nil {
		kafkaMapping(&m, k)
	}
	return m
}

// kafkaMapping adds a self-managed Kafka mapping's settings to m: its
// brokers and topic in place of an EventSourceArn, its secrets, and its
// consumer group, which is the mapping's UUID as Lambda's default.
func kafkaMapping(m *eventSourceMapping, k *KafkaSettings) {
	// Settings Lambda has for streams only.
	m.MaximumRecordAgeInSeconds, m.TumblingWindowInSeconds, m.ParallelizationFactor = nil, nil, 0
	m.SelfManagedEventSource = &selfManagedEventSource{Endpoints: map[string][]string{kafkaBootstrapServers: k.Bootstrap}}
	m.Topics = []string{k.Topic}
	for _, a := range k.Access {
		m.SourceAccessConfigurations = append(m.SourceAccessConfigurations, sourceAccess(a))
	}
	m.SelfManagedKafkaEventSourceConfig = &kafkaConfig{ConsumerGroupId: m.UUID}
}

// kafkaBootstrapServers is SelfManagedEventSource's one Endpoints key.
const kafkaBootstrapServers = "KAFKA_BOOTSTRAP_SERVERS"

// streamMapping adds a stream mapping's settings to m.
func streamMapping(m *eventSourceMapping, st *StreamSettings) {
	m.StartingPosition = st.StartingPosition
	if !st.StartingPositionTimestamp.IsZero() {
		ts := epoch(st.StartingPositionTimestamp)
		m.StartingPositionTimestamp = &ts
	}
	m.MaximumRetryAttempts, m.MaximumRecordAgeInSeconds = &st.MaximumRetryAttempts, &st.MaximumRecordAgeInSeconds
	m.BisectBatchOnFunctionError, m.TumblingWindowInSeconds = &st.BisectBatchOnFunctionError, &st.TumblingWindowInSeconds
	m.ParallelizationFactor = st.ParallelizationFactor
	m.DestinationConfig = &destinationConfig{}
	m.DestinationConfig.OnFailure.Destination = st.OnFailure
}

// listMappings is ListEventSourceMappings, filtered by FunctionName and
// EventSourceArn when given.
func (l *lambdaAPI) listMappings(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	fn := ""
	if f := q.Get("FunctionName"); f != "" {
		name, _, err := parseFunctionName(f)
		if err != nil {
			return errInvalidParam.With(err.Error())
		}
		fn = name
	}
	src := q.Get("EventSourceArn")
	var all []eventSourceMapping
	for _, t := range l.triggers() {
		if (fn == "" || t.Function == fn) && (src == "" || t.Source == src) {
			all = append(all, mapping(t))
		}
	}
	page, next, err := paginate(len(all), q.Get("Marker"), q.Get("MaxItems"))
	if err != nil {
		return err
	}
	out := listMappingsOutput{EventSourceMappings: append([]eventSourceMapping{}, all[page[0]:page[1]]...), NextMarker: next}
	return writeJSON(w, http.StatusOK, out)
}

// getMapping is GetEventSourceMapping.
func (l *lambdaAPI) getMapping(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue(pathUUID)
	for _, t := range l.triggers() {
		if m := mapping(t); m.UUID == id {
			return writeJSON(w, http.StatusOK, m)
		}
	}
	return errNotFound.With("The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: " + w.Header().Get(HeaderRequestID) + ")")
}
