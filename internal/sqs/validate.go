package sqs

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/arn"
)

// A config is a queue's attributes, parsed; raw keeps the settable ones
// as given, for GetQueueAttributes.
type config struct {
	delay, maxSize, retention, wait, visibility int
	fifo, contentDedup                          bool
	redrive                                     *redrivePolicy
	allow                                       *allowPolicy
	raw                                         map[string]string
}

// redrivePolicy is RedrivePolicy's JSON.
type redrivePolicy struct {
	Target          string `json:"deadLetterTargetArn"`
	MaxReceiveCount int    `json:"maxReceiveCount"`
}

// allowPolicy is RedriveAllowPolicy's JSON.
type allowPolicy struct {
	Permission string   `json:"redrivePermission"`
	Sources    []string `json:"sourceQueueArns"`
}

// defaults are a new queue's attributes.
func defaults(fifo bool) map[string]string {
	m := map[string]string{
		AttrDelaySeconds:                  "0",
		AttrMaximumMessageSize:            strconv.Itoa(MaxMessageSize),
		AttrMessageRetentionPeriod:        strconv.Itoa(defaultRetention),
		AttrReceiveMessageWaitTimeSeconds: "0",
		AttrVisibilityTimeout:             strconv.Itoa(defaultVisibility),
		AttrSqsManagedSseEnabled:          "true",
	}
	if fifo {
		m[AttrFifoQueue] = "true"
		m[AttrContentBasedDeduplication] = "false"
		m[AttrDeduplicationScope] = "queue"
		m[AttrFifoThroughputLimit] = "perQueue"
	}
	return m
}

// intRanges are the numeric attributes' bounds.
var intRanges = map[string][2]int{
	AttrDelaySeconds:                  {0, MaxDelay},
	AttrMaximumMessageSize:            {MinMessageSize, MaxMessageSize},
	AttrMessageRetentionPeriod:        {MinRetention, MaxRetention},
	AttrReceiveMessageWaitTimeSeconds: {0, MaxWait},
	AttrVisibilityTimeout:             {0, MaxVisibility},
	AttrKmsDataKeyReusePeriodSeconds:  {60, 86400},
}

// ValidName checks a queue name: 1-80 characters of [A-Za-z0-9_-], with
// the .fifo suffix counted, for FIFO queues only.
func ValidName(name string, fifo bool) error {
	base, isFifo := strings.CutSuffix(name, FifoSuffix)
	if len(name) == 0 || len(name) > MaxQueueNameLen || base == "" || !validChars(base, false) {
		return fail(CodeInvalidParameterValue, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if isFifo != fifo {
		return fail(CodeInvalidParameterValue, "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length")
	}
	return nil
}

// validChars says whether s is [A-Za-z0-9_-] (and '.' when dot).
func validChars(s string, dot bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || dot && c == '.') {
			return false
		}
	}
	return true
}

// parseConfig validates attrs over base (the queue's current raw
// attributes, or the defaults) and returns the result. creating allows
// FifoQueue.
func parseConfig(base, attrs map[string]string, creating bool) (*config, error) {
	raw := make(map[string]string, len(base)+len(attrs))
	for k, v := range base {
		raw[k] = v
	}
	fifo := raw[AttrFifoQueue] == "true"
	for k, v := range attrs {
		switch k {
		case AttrFifoQueue:
			if !creating {
				if (v == "true") != fifo {
					return nil, fail(CodeInvalidAttributeName, "Unknown Attribute %s.", k)
				}
				continue
			}
			if v != "true" && v != "false" {
				return nil, fail(CodeInvalidAttributeValue, "Invalid value for the parameter FifoQueue.")
			}
			if v == "false" {
				delete(raw, k)
				continue
			}
		case AttrContentBasedDeduplication, AttrDeduplicationScope, AttrFifoThroughputLimit:
			if !fifo {
				return nil, fail(CodeInvalidAttributeName, "Unknown Attribute %s.", k)
			}
		case AttrDelaySeconds, AttrMaximumMessageSize, AttrMessageRetentionPeriod, AttrReceiveMessageWaitTimeSeconds,
			AttrVisibilityTimeout, AttrKmsDataKeyReusePeriodSeconds, AttrRedrivePolicy, AttrRedriveAllowPolicy,
			AttrPolicy, AttrKmsMasterKeyID, AttrSqsManagedSseEnabled:
		default:
			return nil, fail(CodeInvalidAttributeName, "Unknown Attribute %s.", k)
		}
		if r, ok := intRanges[k]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < r[0] || n > r[1] {
				return nil, fail(CodeInvalidAttributeValue, "Invalid value for the parameter %s.", k)
			}
		}
		raw[k] = v
		if v == "" && (k == AttrRedrivePolicy || k == AttrRedriveAllowPolicy || k == AttrPolicy) {
			delete(raw, k) // "" removes a policy
		}
	}
	c := &config{raw: raw, fifo: raw[AttrFifoQueue] == "true"}
	c.delay, _ = strconv.Atoi(raw[AttrDelaySeconds])
	c.maxSize, _ = strconv.Atoi(raw[AttrMaximumMessageSize])
	c.retention, _ = strconv.Atoi(raw[AttrMessageRetentionPeriod])
	c.wait, _ = strconv.Atoi(raw[AttrReceiveMessageWaitTimeSeconds])
	c.visibility, _ = strconv.Atoi(raw[AttrVisibilityTimeout])
	if c.fifo {
		for k, ok := range map[string][]string{
			AttrContentBasedDeduplication: {"true", "false"},
			AttrDeduplicationScope:        {"queue", "messageGroup"},
			AttrFifoThroughputLimit:       {"perQueue", "perMessageGroupId"},
		} {
			if v := raw[k]; !contains(ok, v) {
				return nil, fail(CodeInvalidAttributeValue, "Invalid value for the parameter %s.", k)
			}
		}
		if raw[AttrFifoThroughputLimit] == "perMessageGroupId" && raw[AttrDeduplicationScope] == "queue" {
			return nil, fail(CodeInvalidAttributeValue, "Invalid value for the parameter FifoThroughputLimit. Reason: perMessageGroupId is allowed only when DeduplicationScope is messageGroup.")
		}
		c.contentDedup = raw[AttrContentBasedDeduplication] == "true"
	}
	if v, ok := raw[AttrRedrivePolicy]; ok {
		p, err := parseRedrive(v)
		if err != nil {
			return nil, err
		}
		c.redrive = p
	}
	if v, ok := raw[AttrRedriveAllowPolicy]; ok {
		p, err := parseAllow(v)
		if err != nil {
			return nil, err
		}
		c.allow = p
	}
	return c, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseRedrive reads RedrivePolicy: maxReceiveCount may be a number or a
// string holding one, as the console and CloudFormation send it.
func parseRedrive(v string) (*redrivePolicy, error) {
	var in struct {
		Target string          `json:"deadLetterTargetArn"`
		Max    json.RawMessage `json:"maxReceiveCount"`
	}
	bad := func(why string) error {
		return invalidValue(AttrRedrivePolicy, v, why)
	}
	if err := json.Unmarshal([]byte(v), &in); err != nil {
		return nil, bad("Redrive policy is not a valid JSON map.")
	}
	if in.Target == "" {
		return nil, bad("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
	}
	if len(in.Max) == 0 {
		return nil, bad("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
	}
	s := strings.Trim(string(in.Max), `"`)
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxMaxReceiveCount {
		return nil, bad("Invalid value for maxReceiveCount: " + s + ", valid values are from 1 to 1000 both inclusive.")
	}
	if _, ok := QueueNameOf(in.Target); !ok {
		return nil, bad("Invalid value for deadLetterTargetArn.")
	}
	return &redrivePolicy{Target: in.Target, MaxReceiveCount: n}, nil
}

// parseAllow reads RedriveAllowPolicy.
func parseAllow(v string) (*allowPolicy, error) {
	var p allowPolicy
	bad := func(why string) error { return invalidValue(AttrRedriveAllowPolicy, v, why) }
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return nil, bad("Redrive allow policy is not a valid JSON map.")
	}
	switch p.Permission {
	case "allowAll", "denyAll":
		if len(p.Sources) > 0 {
			return nil, bad("Only byQueue redrivePermission can specify sourceQueueArns.")
		}
	case "byQueue":
		if len(p.Sources) == 0 || len(p.Sources) > MaxRedriveSources {
			return nil, bad("byQueue redrivePermission requires 1 to 10 sourceQueueArns.")
		}
	default:
		return nil, bad("Invalid value for redrivePermission.")
	}
	return &p, nil
}

// allows says whether a DLQ with policy p takes messages from source.
func (p *allowPolicy) allows(source string) bool {
	if p == nil {
		return true
	}
	switch p.Permission {
	case "denyAll":
		return false
	case "byQueue":
		return contains(p.Sources, source)
	}
	return true
}

// QueueNameOf is the queue name an SQS ARN of Verge's account and region
// names.
func QueueNameOf(a string) (string, bool) {
	prefix := arn.Queue("")
	name, ok := strings.CutPrefix(a, prefix)
	return name, ok && name != "" && !strings.Contains(name, ":")
}

// validBody checks a body's characters: XML 1.0's (#x9 #xA #xD
// #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF), as SQS allows.
func validBody(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 || c == 9 || c == 10 || c == 13 {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || r < 0x20 || r > 0xD7FF && r < 0xE000 || r > 0xFFFD && r < 0x10000 {
			return false
		}
		i += n
	}
	return true
}

// checkAttributes validates message attributes and returns their size
// as SQS counts it toward the message size (names, types and values).
func checkAttributes(attrs map[string]MessageAttribute) (int, error) {
	if len(attrs) > MaxAttributes {
		return 0, fail(CodeInvalidParameterValue, "Number of message attributes [%d] exceeds the allowed maximum [%d].", len(attrs), MaxAttributes)
	}
	size := 0
	for name, a := range attrs {
		if err := checkAttrName(name); err != nil {
			return 0, err
		}
		base, custom, dotted := strings.Cut(a.DataType, ".")
		if a.DataType == "" {
			return 0, fail(CodeInvalidParameterValue, "The message attribute '%s' must contain non-empty message attribute type.", name)
		}
		if len(a.DataType) > 256 || !validChars(custom, true) || dotted && custom == "" {
			return 0, fail(CodeInvalidParameterValue, "The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		switch base {
		case "String", "Number":
			if a.StringValue == "" {
				return 0, fail(CodeInvalidParameterValue, "The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, base)
			}
			if len(a.BinaryValue) > 0 {
				return 0, fail(CodeInvalidParameterValue, "The message attribute '%s' with type '%s' must use field 'String'.", name, base)
			}
			if !validBody(a.StringValue) {
				return 0, fail(CodeInvalidParameterValue, "The message attribute '%s' contains invalid characters.", name)
			}
			if base == "Number" {
				if _, err := strconv.ParseFloat(a.StringValue, 64); err != nil {
					return 0, fail(CodeInvalidParameterValue, "Can't cast the value of message (user) attribute '%s' to a number.", name)
				}
			}
			size += len(a.StringValue)
		case "Binary":
			if len(a.BinaryValue) == 0 {
				return 0, fail(CodeInvalidParameterValue, "The message attribute '%s' must contain non-empty message attribute value for message attribute type 'Binary'.", name)
			}
			if a.StringValue != "" {
				return 0, fail(CodeInvalidParameterValue, "The message attribute '%s' with type 'Binary' must use field 'Binary'.", name)
			}
			size += len(a.BinaryValue)
		default:
			return 0, fail(CodeInvalidParameterValue, "The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		size += len(name) + len(a.DataType)
	}
	return size, nil
}

// checkAttrName applies SQS's rules for message attribute names.
func checkAttrName(name string) error {
	low := strings.ToLower(name)
	switch {
	case name == "":
		return fail(CodeInvalidParameterValue, "The request must contain non-empty message attribute name.")
	case len(name) > 256 || !validChars(name, true):
		return fail(CodeInvalidParameterValue, "Message (user) attribute name '%s' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.", name)
	case strings.HasPrefix(low, "aws.") || strings.HasPrefix(low, "amazon."):
		return fail(CodeInvalidParameterValue, "Message (user) attribute name '%s' is reserved for use by Amazon.", name)
	case name[0] == '.' || name[len(name)-1] == '.' || strings.Contains(name, ".."):
		return fail(CodeInvalidParameterValue, "Message (user) attribute name '%s' is invalid. Attribute name cannot start or end with a period (.), or have multiple periods in succession (..).", name)
	}
	return nil
}

// ValidBatchID checks a batch entry id: [A-Za-z0-9_-]{1,80}.
func ValidBatchID(id string) bool {
	return id != "" && len(id) <= MaxBatchIDLen && validChars(id, false)
}

// validDedupChars checks a deduplication or group id: 1-128 characters
// of alphanumerics and punctuation.
func validDedupChars(s string) bool {
	if s == "" || len(s) > MaxDedupIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
