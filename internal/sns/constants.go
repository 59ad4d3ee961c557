package sns

import "time"

// Filter policy scopes (the FilterPolicyScope subscription attribute).
const (
	ScopeAttributes = "MessageAttributes"
	ScopeBody       = "MessageBody"
)

// Protocols a subscription may use.
const (
	ProtocolSQS    = "sqs"
	ProtocolLambda = "lambda"
	ProtocolHTTP   = "http"
	ProtocolHTTPS  = "https"
)

// Message types, as the envelope's Type and x-amz-sns-message-type say.
const (
	TypeNotification             = "Notification"
	TypeSubscriptionConfirmation = "SubscriptionConfirmation"
	TypeUnsubscribeConfirmation  = "UnsubscribeConfirmation"
)

// Message attribute data types.
const (
	DataString      = "String"
	DataStringArray = "String.Array"
	DataNumber      = "Number"
	DataBinary      = "Binary"
)

// Filter policy limits (SNS's "Filter policy constraints").
const (
	maxPolicySize     = 256 << 10
	maxPolicyKeys     = 5
	maxCombinations   = 150
	maxPolicyNumber   = 1e9
	maxNumberDecimals = 5
)

// Message limits.
const (
	// MaxMessageSize caps a message and its attributes (256 KiB).
	MaxMessageSize = 256 << 10
	// MaxSubject is the longest subject.
	MaxSubject = 100
	// MaxAttributes is how many message attributes a message may carry.
	MaxAttributes = 10
	// MaxBatch is how many entries PublishBatch takes.
	MaxBatch = 10
	// dedupWindow is FIFO topics' deduplication interval.
	dedupWindow = 5 * time.Minute
)

// HTTP delivery (AWS's default delivery policy, simplified): three
// immediate retries, then backoff.
const (
	httpImmediateRetries = 3
	httpBackoffRetries   = 3
	httpMinDelay         = 1 * time.Second
	httpMaxDelay         = 20 * time.Second
	httpTimeout          = 15 * time.Second
)

// The headers of an HTTP delivery.
const (
	HeaderMessageType     = "X-Amz-Sns-Message-Type"
	HeaderMessageID       = "X-Amz-Sns-Message-Id"
	HeaderTopicArn        = "X-Amz-Sns-Topic-Arn"
	HeaderSubscriptionArn = "X-Amz-Sns-Subscription-Arn"
)

// Prefix is the path Handler serves under on the endpoint's listener.
const Prefix = "/sns/"

// CertPath is where Handler serves the signing certificate.
const CertPath = "/sns/SimpleNotificationService-verge.pem"

// Key-value bucket and key prefixes of the durable state.
const (
	DefaultBucket = "verge-sns"
	keyTopic      = "topic."
	keySub        = "sub."
	keySigner     = "signer"
	// dedupSuffix names the FIFO deduplication bucket after the state's.
	dedupSuffix = "-dedup"
)

// Topic attributes.
const (
	attrTopicArn            = "TopicArn"
	attrOwner               = "Owner"
	attrPolicy              = "Policy"
	attrDisplayName         = "DisplayName"
	attrDeliveryPolicy      = "DeliveryPolicy"
	attrFifoTopic           = "FifoTopic"
	attrContentBasedDedup   = "ContentBasedDeduplication"
	attrSignatureVersion    = "SignatureVersion"
	attrTracingConfig       = "TracingConfig"
	attrKmsMasterKeyID      = "KmsMasterKeyId"
	attrArchivePolicy       = "ArchivePolicy"
	attrFifoThroughputScope = "FifoThroughputScope"
	attrDataProtection      = "DataProtectionPolicy"
)

// Subscription attributes.
const (
	attrFilterPolicy          = "FilterPolicy"
	attrFilterPolicyScope     = "FilterPolicyScope"
	attrRawMessageDelivery    = "RawMessageDelivery"
	attrRedrivePolicy         = "RedrivePolicy"
	attrSubscriptionRoleArn   = "SubscriptionRoleArn"
	attrReplayPolicy          = "ReplayPolicy"
	attrPendingConfirmation   = "PendingConfirmation"
	attrConfirmationAuth      = "ConfirmationWasAuthenticated"
	attrSubscriptionArn       = "SubscriptionArn"
	attrProtocol              = "Protocol"
	attrEndpoint              = "Endpoint"
	attrEffectiveDelivery     = "EffectiveDeliveryPolicy"
	attrSubscriptionPrincipal = "SubscriptionPrincipal"
)

// PendingConfirmation is the SubscriptionArn of a subscription not yet
// confirmed, as Subscribe and the lists show it.
const PendingConfirmation = "PendingConfirmation"

// linkPath serves SubscribeURL and UnsubscribeURL.
const linkPath = "/sns/link"

// Page sizes of the lists (SNS's: 100).
const pageSize = 100

// Tag limits.
const (
	maxTags        = 50
	maxTagKey      = 128
	maxTagValue    = 256
	maxTopicName   = 256
	defaultVersion = "1"
)
