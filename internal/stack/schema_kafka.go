package stack

// The schema of the kafka-topic function event (issue #18): Stacktape's
// KafkaTopicIntegrationProps, plus Lambda's settings of a self-managed
// Kafka event source mapping as Verge properties. Same rules as
// schema.go: every field documented, keys are the yaml tags.

// KafkaEventProps invoke the function with batches of a topic's records
// from the user's own Kafka brokers, as Lambda's self-managed Apache Kafka
// event source mapping: a consumer group per event (its id is the
// mapping's UUID), offsets committed only after the function succeeds.
type KafkaEventProps struct {
	// CustomKafkaConfiguration names the brokers, the topic and how to
	// authenticate.
	CustomKafkaConfiguration *KafkaConfiguration `yaml:"customKafkaConfiguration" verge:"required"`
	// BatchSize is the most records in one invocation, 1 to 10000.
	// Default 100.
	BatchSize *int `yaml:"batchSize"`
	// MaxBatchWindowSeconds is how long records are gathered before the
	// function is invoked, 0 to 300, fractions allowed. Default 0.5
	// (Lambda's 500 ms for Kafka).
	MaxBatchWindowSeconds *Seconds `yaml:"maxBatchWindowSeconds"`
	// StartingPosition is where a consumer group with no committed offset
	// starts reading each partition: TRIM_HORIZON (its oldest record) or
	// LATEST (records added after the mapping starts). Lambda requires it
	// for Kafka; Stacktape does not write it, so Verge defaults to
	// TRIM_HORIZON (a Verge property).
	StartingPosition *string `yaml:"startingPosition"`
	// MaximumRetryAttempts is how many times a failed batch is retried,
	// 0 to 10000, or -1 to retry until it succeeds (a Verge property:
	// Lambda's MaximumRetryAttempts). Default -1.
	MaximumRetryAttempts *int `yaml:"maximumRetryAttempts"`
	// BisectBatchOnFunctionError splits a failed batch in two and retries
	// the halves separately (a Verge property). Default false.
	BisectBatchOnFunctionError bool `yaml:"bisectBatchOnFunctionError"`
	// OnFailure receives a failure record for each batch given up on: a
	// standard queue or topic of the stack (a Verge property).
	OnFailure *StreamOnFailure `yaml:"onFailure"`
	// Enabled reads the topic; false keeps the mapping without reading (a
	// Verge property). Default true.
	Enabled *bool `yaml:"enabled"`
}

// KafkaConfiguration is Stacktape's CustomKafkaEventSource: a Kafka
// cluster the stack does not run.
type KafkaConfiguration struct {
	// BootstrapServers are brokers to connect to first, 1 to 10 HOST:PORT
	// (Lambda's KAFKA_BOOTSTRAP_SERVERS).
	BootstrapServers []string `yaml:"bootstrapServers" verge:"required"`
	// TopicName is the topic read: letters, digits, '.', '_' and '-', at
	// most 249 characters.
	TopicName string `yaml:"topicName" verge:"required"`
	// Authentication is how Verge authenticates to the brokers. Stacktape
	// requires it; Verge allows leaving it out for a broker that takes
	// plain, unauthenticated connections (a local one), as Lambda allows a
	// mapping without SourceAccessConfigurations.
	Authentication *KafkaAuthentication `yaml:"authentication"`
}

// KafkaAuthentication is SASL (BASIC_AUTH for SASL/PLAIN,
// SASL_SCRAM_256_AUTH, SASL_SCRAM_512_AUTH) with *KafkaSASLAuthProps, or
// MTLS with *KafkaMTLSAuthProps.
type KafkaAuthentication struct {
	// Type is BASIC_AUTH, SASL_SCRAM_256_AUTH, SASL_SCRAM_512_AUTH or MTLS.
	Type string `yaml:"type" verge:"required"`
	// Properties depend on Type. Nil when Type is not supported.
	Properties any `yaml:"properties" verge:"required"`
}

// The authentication types of a kafka-topic event.
const (
	KafkaBasicAuth = "BASIC_AUTH"
	KafkaScram256  = "SASL_SCRAM_256_AUTH"
	KafkaScram512  = "SASL_SCRAM_512_AUTH"
	KafkaMTLS      = "MTLS"
)

var kafkaAuthTypes = typeSet{
	what: "authentication type",
	supported: map[string]func() any{
		KafkaBasicAuth: func() any { return new(KafkaSASLAuthProps) },
		KafkaScram256:  func() any { return new(KafkaSASLAuthProps) },
		KafkaScram512:  func() any { return new(KafkaSASLAuthProps) },
		KafkaMTLS:      func() any { return new(KafkaMTLSAuthProps) },
	},
}

// KafkaSASLAuthProps name the secret holding SASL's credentials.
type KafkaSASLAuthProps struct {
	// AuthenticationSecretArn is the secret, whose value is a JSON object
	// {"username": "…", "password": "…"} as an AWS Secrets Manager secret
	// of Lambda's: $Secret('name') reads it from the secrets file, and so
	// does a Secrets Manager ARN (arn:aws:secretsmanager:REGION:ACCOUNT:
	// secret:NAME, AWS's "-XXXXXX" suffix optional), which names the
	// secrets file's key NAME.
	AuthenticationSecretArn Template `yaml:"authenticationSecretArn" verge:"required"`
}

// KafkaMTLSAuthProps name the secrets holding MTLS's certificates.
type KafkaMTLSAuthProps struct {
	// ClientCertificate is the secret (as authenticationSecretArn) whose
	// value is a JSON object {"certificate": PEM chain, "privateKey":
	// PKCS#8 PEM, "privateKeyPassword": "…" for an encrypted key}.
	ClientCertificate Template `yaml:"clientCertificate" verge:"required"`
	// ServerRootCaCertificate is the secret whose value is a JSON object
	// {"certificate": PEM}: the root CA the brokers' certificates are
	// checked against. Default: the system's roots.
	ServerRootCaCertificate Template `yaml:"serverRootCaCertificate"`
}

// Seconds is a number of seconds, fractions allowed.
type Seconds float64
