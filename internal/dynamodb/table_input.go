package dynamodb

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// Key types of a KeySchemaElement.
const (
	keyHash  = "HASH"
	keyRange = "RANGE"
)

// Limits of a table's definition.
const (
	maxGlobalIndexes = 20
	maxLocalIndexes  = 5
	maxThroughput    = 1_000_000_000_000
	maxTags          = 50
)

// msgInvalid starts the messages of most of AWS's semantic checks.
const msgInvalid = "One or more parameter values were invalid: "

// A keyElement is a KeySchemaElement.
type keyElement struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

// An attrDef is an AttributeDefinition.
type attrDef struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

// An indexProjection is an index's Projection.
type indexProjection struct {
	ProjectionType   string   `json:"ProjectionType,omitempty"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

// An indexInput is a GlobalSecondaryIndex or LocalSecondaryIndex of a
// request (and UpdateTable's Create action).
type indexInput struct {
	IndexName             *string          `json:"IndexName"`
	KeySchema             []keyElement     `json:"KeySchema"`
	Projection            *indexProjection `json:"Projection"`
	ProvisionedThroughput *throughput      `json:"ProvisionedThroughput"`
}

// A streamSpec is a StreamSpecification.
type streamSpec struct {
	StreamEnabled  bool   `json:"StreamEnabled"`
	StreamViewType string `json:"StreamViewType,omitempty"`
}

// namePattern is what table and index names are made of.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

// violations collect the failures of AWS's request shape validator,
// which reports them all in one message.
type violations []string

// add records that value v at field failed constraint.
func (vs *violations) add(v any, field, constraint string) {
	val := "null"
	if v != nil {
		val = fmt.Sprintf("'%v'", v)
	}
	*vs = append(*vs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member %s", val, field, constraint))
}

// name checks a table or index name.
func (vs *violations) name(v *string, field string) {
	switch {
	case v == nil:
		vs.add(nil, field, "must not be null")
	case len(*v) < 3:
		vs.add(*v, field, "must have length greater than or equal to 3")
	case len(*v) > 255:
		vs.add(*v, field, "must have length less than or equal to 255")
	case !namePattern.MatchString(*v):
		vs.add(*v, field, "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
}

// oneOf checks an enum's value ("" is absent and passes).
func (vs *violations) oneOf(v, field string, set ...string) {
	if v != "" && !slices.Contains(set, v) {
		vs.add(v, field, "must satisfy enum value set: ["+strings.Join(set, ", ")+"]")
	}
}

// keySchema checks a KeySchema's shape.
func (vs *violations) keySchema(k []keyElement, field string) {
	switch {
	case k == nil:
		vs.add(nil, field, "must not be null")
	case len(k) > 2:
		vs.add(k, field, "must have length less than or equal to 2")
	case len(k) == 0:
		vs.add("[]", field, "must have length greater than or equal to 1")
	}
	for i, e := range k {
		vs.attrName(e.AttributeName, fmt.Sprintf("%s.%d.member.attributeName", field, i+1))
		vs.oneOf(e.KeyType, fmt.Sprintf("%s.%d.member.keyType", field, i+1), keyHash, keyRange)
	}
}

// attrName checks a key attribute's name: 1 to 255 bytes.
func (vs *violations) attrName(n, field string) {
	switch {
	case n == "":
		vs.add(n, field, "must have length greater than or equal to 1")
	case len(n) > 255:
		vs.add(n, field, "must have length less than or equal to 255")
	}
}

// throughput checks a ProvisionedThroughput's units.
func (vs *violations) throughput(t *throughput, field string) {
	if t == nil {
		return
	}
	if t.ReadCapacityUnits < 1 {
		vs.add(t.ReadCapacityUnits, field+".readCapacityUnits", "must have value greater than or equal to 1")
	}
	if t.WriteCapacityUnits < 1 {
		vs.add(t.WriteCapacityUnits, field+".writeCapacityUnits", "must have value greater than or equal to 1")
	}
}

// err is the ValidationException of the violations, nil for none.
func (vs violations) err() error {
	switch len(vs) {
	case 0:
		return nil
	case 1:
		return invalid("1 validation error detected: %s", vs[0])
	}
	return invalid("%d validation errors detected: %s", len(vs), strings.Join(vs, "; "))
}

// checkThroughputBounds refuses units past AWS's bound.
func checkThroughputBounds(t *throughput) error {
	switch {
	case t == nil:
		return nil
	case t.ReadCapacityUnits > maxThroughput:
		return invalid("Given value %d for ReadCapacityUnits is out of bounds", t.ReadCapacityUnits)
	case t.WriteCapacityUnits > maxThroughput:
		return invalid("Given value %d for WriteCapacityUnits is out of bounds", t.WriteCapacityUnits)
	}
	return nil
}

// keyNames are a key schema's attribute names in order.
func keyNames(k []keyElement) []string {
	out := make([]string, len(k))
	for i, e := range k {
		out[i] = e.AttributeName
	}
	return out
}

// checkKeyOrder checks a key schema is HASH then an optional RANGE of
// another attribute.
func checkKeyOrder(k []keyElement) error {
	if len(k) == 2 && k[0].AttributeName == k[1].AttributeName {
		return invalid("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	}
	if k[0].KeyType != keyHash {
		return invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if len(k) == 2 && k[1].KeyType != keyRange {
		return invalid("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	}
	return nil
}

// storeKey is a checked key schema as the store keeps it, typed by defs.
func storeKey(k []keyElement, defs map[string]string) store.KeySchema {
	out := store.KeySchema{Partition: store.Attr{Name: k[0].AttributeName, Type: defs[k[0].AttributeName]}}
	if len(k) == 2 {
		out.Sort = store.Attr{Name: k[1].AttributeName, Type: defs[k[1].AttributeName]}
	}
	return out
}

// wireKey is a store key schema as the API shows it.
func wireKey(k store.KeySchema) []keyElement {
	out := []keyElement{{AttributeName: k.Partition.Name, KeyType: keyHash}}
	if k.Sort.Name != "" {
		out = append(out, keyElement{AttributeName: k.Sort.Name, KeyType: keyRange})
	}
	return out
}

// checkProjection checks an index's projection.
func checkProjection(p *indexProjection) error {
	if p == nil || p.ProjectionType == "" {
		return invalid(msgInvalid + "Unknown ProjectionType: null")
	}
	switch {
	case p.ProjectionType == store.ProjectionInclude && len(p.NonKeyAttributes) == 0:
		return invalid(msgInvalid + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
	case p.ProjectionType != store.ProjectionInclude && p.NonKeyAttributes != nil:
		return invalid(msgInvalid+"ProjectionType is %s, but NonKeyAttributes is specified", p.ProjectionType)
	}
	seen := map[string]bool{}
	for _, a := range p.NonKeyAttributes {
		if seen[a] {
			return invalid(msgInvalid+"Duplicate element in NonKeyAttributes: %s", a)
		}
		seen[a] = true
	}
	return nil
}

// indexConfig is a checked index as the store keeps it.
func indexConfig(ix indexInput, defs map[string]string, local bool) store.IndexConfig {
	return store.IndexConfig{
		Name:       *ix.IndexName,
		Key:        storeKey(ix.KeySchema, defs),
		Local:      local,
		Projection: ix.Projection.ProjectionType,
		NonKey:     ix.Projection.NonKeyAttributes,
	}
}

// attrDefs are a table's AttributeDefinitions: the attributes of its key
// and its indexes' keys, each once, in that order.
func attrDefs(t store.Table) []attrDef {
	var out []attrDef
	add := func(a store.Attr) {
		if a.Name != "" && !slices.ContainsFunc(out, func(d attrDef) bool { return d.AttributeName == a.Name }) {
			out = append(out, attrDef{AttributeName: a.Name, AttributeType: a.Type})
		}
	}
	for _, k := range append([]store.KeySchema{t.Key}, indexKeys(t.Indexes)...) {
		add(k.Partition)
		add(k.Sort)
	}
	return out
}

// indexKeys are the key schemas of indexes.
func indexKeys(ixs []store.IndexConfig) []store.KeySchema {
	out := make([]store.KeySchema, len(ixs))
	for i, ix := range ixs {
		out[i] = ix.Key
	}
	return out
}

// sortedList is names sorted and bracketed as AWS lists them.
func sortedList(names []string) string {
	s := slices.Clone(names)
	slices.Sort(s)
	return "[" + strings.Join(slices.Compact(s), ", ") + "]"
}

// checkTags checks the tags of a request.
func checkTags(tags []tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || len(t.Key) > 128:
			return invalid("The Tag Key provided is invalid, Key: %s", t.Key)
		case len(t.Value) > 256:
			return invalid("The Tag Value provided is invalid, Value: %s", t.Value)
		case strings.HasPrefix(t.Key, "aws:"):
			return invalid("Tag Key cannot be prefixed with aws:, Key: %s", t.Key)
		case seen[t.Key]:
			return invalid("Duplicate Tag Keys provided as input: Duplicate Tag Key found %s", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// checkTableClass checks a TableClass.
func checkTableClass(c string) error {
	switch c {
	case "", "STANDARD", "STANDARD_INFREQUENT_ACCESS":
		return nil
	}
	return invalid("Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].")
}

// checkSSE checks an SSESpecification.
func checkSSE(s *sseSpec) error {
	if s == nil {
		return nil
	}
	enabled := s.Enabled != nil && *s.Enabled
	switch {
	case !enabled && s.SSEType != "":
		return invalid(msgInvalid + "SSEType can not be specified if Enabled is false")
	case !enabled && s.KMSMasterKeyID != "":
		return invalid(msgInvalid + "KMSMasterKeyId can not be specified if Enabled is false")
	case s.SSEType == "AES256":
		return invalid(msgInvalid + "SSEType AES256 is not supported")
	case s.SSEType != "" && s.SSEType != "KMS":
		var vs violations
		vs.oneOf(s.SSEType, "sSESpecification.sSEType", "AES256", "KMS")
		return vs.err()
	}
	return nil
}

// streamViews are the StreamViewTypes.
var streamViews = []string{store.ViewNewImage, store.ViewOldImage, store.ViewNewAndOldImages, store.ViewKeysOnly}
