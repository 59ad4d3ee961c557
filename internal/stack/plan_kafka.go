package stack

// A KafkaTrigger invokes a function with batches of a Kafka topic's
// records: a function's kafka-topic event, as Lambda's self-managed Kafka
// event source mapping. Secret material is in fields the plan's JSON
// leaves out, so it never reaches a written plan or a log.
type KafkaTrigger struct {
	// Function is the function resource's name.
	Function string `json:"function"`
	// Index is the event's index in the function's events: with Function
	// it names the mapping (its UUID, the consumer group's id).
	Index int `json:"index"`
	// Bootstrap are the brokers connected to first, HOST:PORT.
	Bootstrap []string `json:"bootstrapServers"`
	// Topic is the topic read.
	Topic string `json:"topic"`
	// Auth is how to authenticate to the brokers; nil for plain,
	// unauthenticated connections.
	Auth *KafkaAuth `json:"authentication,omitempty"`
	// BatchSize is the most records per invocation, 1 to 10000.
	BatchSize int `json:"batchSize"`
	// MaxBatchWindowSeconds is how long records are gathered, 0 to 300.
	MaxBatchWindowSeconds float64 `json:"maxBatchWindowSeconds"`
	// StartingPosition is StartTrimHorizon or StartLatest.
	StartingPosition string `json:"startingPosition"`
	// MaximumRetryAttempts is -1 (until it succeeds) or 0 to 10000.
	MaximumRetryAttempts int `json:"maximumRetryAttempts"`
	// BisectBatchOnFunctionError splits a failed batch before retrying.
	BisectBatchOnFunctionError bool `json:"bisectBatchOnFunctionError,omitempty"`
	// OnFailure receives the failure record of a batch given up on; nil
	// for none.
	OnFailure *Destination `json:"onFailure,omitempty"`
	// Enabled says the topic is read.
	Enabled bool `json:"enabled"`
}

// KafkaAuth is a Kafka trigger's authentication: the mechanism, the
// secrets as Lambda's SourceAccessConfigurations name them, and their
// values (never marshalled).
type KafkaAuth struct {
	// Mechanism is KafkaAuthBasic, KafkaAuthScram256, KafkaAuthScram512
	// or KafkaAuthMTLS (Lambda's SourceAccessConfiguration types).
	Mechanism string `json:"mechanism"`
	// SecretARN is the ARN of the secret holding the SASL credentials or
	// the MTLS client certificate.
	SecretARN string `json:"secretArn"`
	// RootCASecretARN is the ARN of the secret holding the server's root
	// CA certificate, "" for the system's roots.
	RootCASecretARN string `json:"rootCaSecretArn,omitempty"`

	// Username and Password are SASL's.
	Username string `json:"-"`
	Password string `json:"-"`
	// Certificate (a PEM chain) and PrivateKey (PKCS#8 PEM, encrypted
	// with KeyPassword when that is set) are MTLS's.
	Certificate []byte `json:"-"`
	PrivateKey  []byte `json:"-"`
	KeyPassword string `json:"-"`
	// RootCA is the server's root CA certificate, PEM; nil for the
	// system's roots.
	RootCA []byte `json:"-"`
}

// Lambda's SourceAccessConfiguration types of a KafkaAuth.
const (
	KafkaAuthBasic    = "BASIC_AUTH"
	KafkaAuthScram256 = "SASL_SCRAM_256_AUTH"
	KafkaAuthScram512 = "SASL_SCRAM_512_AUTH"
	KafkaAuthMTLS     = "CLIENT_CERTIFICATE_TLS_AUTH"
	// KafkaAuthRootCA is the type of the root CA's secret.
	KafkaAuthRootCA = "SERVER_ROOT_CA_CERTIFICATE"
)
