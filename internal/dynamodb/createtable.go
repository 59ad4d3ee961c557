package dynamodb

import (
	"context"
	"fmt"
	"slices"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

type createTableInput struct {
	TableName                 *string      `json:"TableName"`
	AttributeDefinitions      []attrDef    `json:"AttributeDefinitions"`
	KeySchema                 []keyElement `json:"KeySchema"`
	BillingMode               string       `json:"BillingMode"`
	ProvisionedThroughput     *throughput  `json:"ProvisionedThroughput"`
	GlobalSecondaryIndexes    []indexInput `json:"GlobalSecondaryIndexes"`
	LocalSecondaryIndexes     []indexInput `json:"LocalSecondaryIndexes"`
	StreamSpecification       *streamSpec  `json:"StreamSpecification"`
	Tags                      []tag        `json:"Tags"`
	SSESpecification          *sseSpec     `json:"SSESpecification"`
	TableClass                string       `json:"TableClass"`
	DeletionProtectionEnabled bool         `json:"DeletionProtectionEnabled"`
}

type createTableOutput struct {
	TableDescription tableDescription `json:"TableDescription"`
}

func (s *Service) createTable(ctx context.Context, body []byte) (any, error) {
	var in createTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	c, m, err := in.config()
	if err != nil {
		return nil, err
	}
	c.Meta = m.encode()
	t, err := s.st.CreateTable(ctx, c)
	if err != nil {
		return nil, err
	}
	return createTableOutput{TableDescription: describe(t, statusActive)}, nil
}

// config checks the request as AWS does, in AWS's order, and returns the
// table's definition and metadata.
func (in *createTableInput) config() (store.TableConfig, tableMeta, error) {
	if err := in.checkShape(); err != nil {
		return store.TableConfig{}, tableMeta{}, err
	}
	m := tableMeta{BillingMode: in.BillingMode, TableClass: in.TableClass, DeletionProtection: in.DeletionProtectionEnabled, SSE: in.SSESpecification}
	if m.BillingMode == "" {
		m.BillingMode = billingProvisioned
	}
	if err := in.checkBilling(m.BillingMode); err != nil {
		return store.TableConfig{}, tableMeta{}, err
	}
	if in.ProvisionedThroughput != nil {
		m.Throughput = *in.ProvisionedThroughput
	}
	defs, err := in.checkKeys()
	if err != nil {
		return store.TableConfig{}, tableMeta{}, err
	}
	c := store.TableConfig{Name: *in.TableName, Key: storeKey(in.KeySchema, defs)}
	if c.Indexes, m.IndexThroughput, err = in.indexes(defs, m.BillingMode); err != nil {
		return store.TableConfig{}, tableMeta{}, err
	}
	if err := in.checkUsed(); err != nil {
		return store.TableConfig{}, tableMeta{}, err
	}
	if c.StreamView, err = createStream(in.StreamSpecification); err != nil {
		return store.TableConfig{}, tableMeta{}, err
	}
	m.StreamView = c.StreamView
	for _, check := range []error{checkTags(in.Tags), checkTableClass(in.TableClass), checkSSE(in.SSESpecification)} {
		if check != nil {
			return store.TableConfig{}, tableMeta{}, check
		}
	}
	if len(in.Tags) > maxTags {
		return store.TableConfig{}, tableMeta{}, invalid("Number of Tags exceed the current limit for the provided ResourceArn")
	}
	m.Tags = in.Tags
	return c, m, nil
}

// checkShape is AWS's shape validator: every violation in one message.
func (in *createTableInput) checkShape() error {
	var vs violations
	if in.AttributeDefinitions == nil {
		vs.add(nil, "attributeDefinitions", "must not be null")
	}
	for i, d := range in.AttributeDefinitions {
		vs.attrName(d.AttributeName, fmt.Sprintf("attributeDefinitions.%d.member.attributeName", i+1))
		vs.oneOf(d.AttributeType, fmt.Sprintf("attributeDefinitions.%d.member.attributeType", i+1), store.TypeB, store.TypeN, store.TypeS)
	}
	vs.name(in.TableName, "tableName")
	vs.keySchema(in.KeySchema, "keySchema")
	vs.oneOf(in.BillingMode, "billingMode", billingProvisioned, billingOnDemand)
	vs.throughput(in.ProvisionedThroughput, "provisionedThroughput")
	if sp := in.StreamSpecification; sp != nil {
		vs.oneOf(sp.StreamViewType, "streamSpecification.streamViewType", streamViews...)
	}
	for i, ix := range in.GlobalSecondaryIndexes {
		in.indexShape(&vs, ix, fmt.Sprintf("globalSecondaryIndexes.%d.member", i+1))
		vs.throughput(ix.ProvisionedThroughput, fmt.Sprintf("globalSecondaryIndexes.%d.member.provisionedThroughput", i+1))
	}
	for i, ix := range in.LocalSecondaryIndexes {
		in.indexShape(&vs, ix, fmt.Sprintf("localSecondaryIndexes.%d.member", i+1))
	}
	return vs.err()
}

// indexShape checks an index's shape.
func (in *createTableInput) indexShape(vs *violations, ix indexInput, field string) {
	vs.name(ix.IndexName, field+".indexName")
	vs.keySchema(ix.KeySchema, field+".keySchema")
	if ix.Projection == nil {
		vs.add(nil, field+".projection", "must not be null")
	} else {
		vs.oneOf(ix.Projection.ProjectionType, field+".projection.projectionType", store.ProjectionAll, store.ProjectionInclude, store.ProjectionKeysOnly)
	}
}

// checkBilling checks the billing mode against the throughput given.
func (in *createTableInput) checkBilling(mode string) error {
	if mode == billingOnDemand {
		if in.ProvisionedThroughput != nil {
			return invalid(msgInvalid + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
		return nil
	}
	if in.ProvisionedThroughput == nil {
		return invalid(msgInvalid + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	return checkThroughputBounds(in.ProvisionedThroughput)
}

// checkKeys checks the table's key schema against the definitions and
// returns the definitions' types by name.
func (in *createTableInput) checkKeys() (map[string]string, error) {
	defs := map[string]string{}
	var names []string
	for _, d := range in.AttributeDefinitions {
		if _, dup := defs[d.AttributeName]; dup {
			return nil, invalid("Cannot have two attributes with the same name")
		}
		defs[d.AttributeName] = d.AttributeType
		names = append(names, d.AttributeName)
	}
	keys := keyNames(in.KeySchema)
	if len(keys) > len(defs) {
		return nil, invalid("Invalid KeySchema: Some index key attribute have no definition")
	}
	if err := checkDefined(keys, names, defs); err != nil {
		return nil, err
	}
	return defs, checkKeyOrder(in.KeySchema)
}

// checkDefined checks every key attribute has a definition.
func checkDefined(keys, names []string, defs map[string]string) error {
	for _, k := range keys {
		if _, ok := defs[k]; !ok {
			return invalid(msgInvalid+"Some index key attributes are not defined in AttributeDefinitions. Keys: %s, AttributeDefinitions: %s", sortedList(keys), sortedList(names))
		}
	}
	return nil
}

// checkUsed checks every definition is a key attribute of the table or
// of an index.
func (in *createTableInput) checkUsed() error {
	used := keyNames(in.KeySchema)
	for _, ix := range slices.Concat(in.GlobalSecondaryIndexes, in.LocalSecondaryIndexes) {
		used = append(used, keyNames(ix.KeySchema)...)
	}
	var names []string
	unused := false
	for _, d := range in.AttributeDefinitions {
		names = append(names, d.AttributeName)
		unused = unused || !slices.Contains(used, d.AttributeName)
	}
	switch {
	case !unused:
		return nil
	case in.GlobalSecondaryIndexes == nil && in.LocalSecondaryIndexes == nil:
		return invalid(msgInvalid + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	return invalid(msgInvalid+"Some AttributeDefinitions are not used. AttributeDefinitions: %s, keys used: %s", sortedList(names), sortedList(used))
}

// indexes checks the secondary indexes and returns them with the global
// indexes' throughput.
func (in *createTableInput) indexes(defs map[string]string, mode string) ([]store.IndexConfig, map[string]throughput, error) {
	var names []string
	for _, d := range in.AttributeDefinitions {
		names = append(names, d.AttributeName)
	}
	seen := map[string]bool{}
	var out []store.IndexConfig
	if in.LocalSecondaryIndexes != nil {
		if len(in.LocalSecondaryIndexes) == 0 {
			return nil, nil, invalid(msgInvalid + "List of LocalSecondaryIndexes is empty")
		}
		if len(in.KeySchema) != 2 {
			return nil, nil, invalid(msgInvalid + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
		}
		for _, ix := range in.LocalSecondaryIndexes {
			if err := checkIndex(ix, names, defs, seen); err != nil {
				return nil, nil, err
			}
			if len(ix.KeySchema) != 2 {
				return nil, nil, invalid(msgInvalid+"Index KeySchema does not have a range key for index: %s", *ix.IndexName)
			}
			if h, th := ix.KeySchema[0].AttributeName, in.KeySchema[0].AttributeName; h != th {
				return nil, nil, invalid(msgInvalid+"Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s", *ix.IndexName, h, th)
			}
			out = append(out, indexConfig(ix, defs, true))
		}
		if len(in.LocalSecondaryIndexes) > maxLocalIndexes {
			return nil, nil, invalid(msgInvalid+"Number of LocalSecondaryIndexes exceeds per-table limit of %d", maxLocalIndexes)
		}
	}
	if in.GlobalSecondaryIndexes == nil {
		return out, nil, nil
	}
	if len(in.GlobalSecondaryIndexes) == 0 {
		return nil, nil, invalid(msgInvalid + "List of GlobalSecondaryIndexes is empty")
	}
	tps := map[string]throughput{}
	for _, ix := range in.GlobalSecondaryIndexes {
		if err := checkIndex(ix, names, defs, seen); err != nil {
			return nil, nil, err
		}
		tp, err := indexThroughput(*ix.IndexName, ix.ProvisionedThroughput, mode)
		if err != nil {
			return nil, nil, err
		}
		if mode == billingProvisioned {
			tps[*ix.IndexName] = tp
		}
		out = append(out, indexConfig(ix, defs, false))
	}
	if len(in.GlobalSecondaryIndexes) > maxGlobalIndexes {
		return nil, nil, invalid(msgInvalid+"GlobalSecondaryIndex count exceeds the per-table limit of %d", maxGlobalIndexes)
	}
	return out, tps, nil
}

// checkIndex checks an index's key schema, projection and name.
func checkIndex(ix indexInput, names []string, defs map[string]string, seen map[string]bool) error {
	if err := checkDefined(keyNames(ix.KeySchema), names, defs); err != nil {
		return err
	}
	if err := checkKeyOrder(ix.KeySchema); err != nil {
		return err
	}
	if err := checkProjection(ix.Projection); err != nil {
		return err
	}
	if seen[*ix.IndexName] {
		return invalid(msgInvalid+"Duplicate index name: %s", *ix.IndexName)
	}
	seen[*ix.IndexName] = true
	return nil
}

// indexThroughput checks a global index's throughput against the table's
// billing mode.
func indexThroughput(name string, tp *throughput, mode string) (throughput, error) {
	switch {
	case mode == billingOnDemand && tp != nil:
		return throughput{}, invalid(msgInvalid+"ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST", name)
	case mode == billingOnDemand:
		return throughput{}, nil
	case tp == nil:
		return throughput{}, invalid(msgInvalid+"ProvisionedThroughput is not specified for index: %s", name)
	}
	return *tp, checkThroughputBounds(tp)
}

// createStream is the stream view a CreateTable's StreamSpecification
// asks for.
func createStream(sp *streamSpec) (string, error) {
	switch {
	case sp == nil:
		return "", nil
	case sp.StreamEnabled && sp.StreamViewType == "":
		return "", invalid(msgInvalid + "Table is being created with a stream enabled, UpdateViewType is required")
	case !sp.StreamEnabled && sp.StreamViewType != "":
		return "", invalid(msgInvalid + "Table is being created with a stream disabled, UpdateViewType should not be specified")
	}
	return sp.StreamViewType, nil
}
