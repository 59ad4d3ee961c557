package dynamodb

import (
	"context"
	"fmt"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

type updateTableInput struct {
	TableName                   *string       `json:"TableName"`
	AttributeDefinitions        []attrDef     `json:"AttributeDefinitions"`
	BillingMode                 string        `json:"BillingMode"`
	ProvisionedThroughput       *throughput   `json:"ProvisionedThroughput"`
	GlobalSecondaryIndexUpdates []indexUpdate `json:"GlobalSecondaryIndexUpdates"`
	StreamSpecification         *streamSpec   `json:"StreamSpecification"`
	SSESpecification            *sseSpec      `json:"SSESpecification"`
	TableClass                  string        `json:"TableClass"`
	DeletionProtectionEnabled   *bool         `json:"DeletionProtectionEnabled"`
}

// An indexUpdate is a GlobalSecondaryIndexUpdate: one of its actions.
type indexUpdate struct {
	Create *indexInput `json:"Create"`
	Delete *struct {
		IndexName *string `json:"IndexName"`
	} `json:"Delete"`
	Update *struct {
		IndexName             *string     `json:"IndexName"`
		ProvisionedThroughput *throughput `json:"ProvisionedThroughput"`
	} `json:"Update"`
}

// name is the index the update names.
func (u indexUpdate) name() string {
	var n *string
	switch {
	case u.Create != nil:
		n = u.Create.IndexName
	case u.Delete != nil:
		n = u.Delete.IndexName
	case u.Update != nil:
		n = u.Update.IndexName
	}
	if n == nil {
		return ""
	}
	return *n
}

type updateTableOutput struct {
	TableDescription tableDescription `json:"TableDescription"`
}

// msgNothingToUpdate is AWS's answer to an UpdateTable that asks for
// nothing.
const msgNothingToUpdate = "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"

func (s *Service) updateTable(ctx context.Context, body []byte) (any, error) {
	var in updateTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := in.checkShape(); err != nil {
		return nil, err
	}
	name := tableNameOf(*in.TableName)
	t, err := s.describeByName(name)
	if err != nil {
		return nil, err
	}
	u, err := in.plan(t, s.now().UnixMilli())
	if err != nil {
		return nil, err
	}
	if t, err = s.st.UpdateTable(ctx, name, u); err != nil {
		return nil, err
	}
	return updateTableOutput{TableDescription: describe(t, statusActive)}, nil
}

// checkShape is AWS's shape validator, and the check that the request
// asks for something.
func (in *updateTableInput) checkShape() error {
	var vs violations
	if in.TableName == nil || !isTableARN(*in.TableName) {
		vs.name(in.TableName, "tableName")
	}
	vs.oneOf(in.BillingMode, "billingMode", billingProvisioned, billingOnDemand)
	vs.throughput(in.ProvisionedThroughput, "provisionedThroughput")
	if sp := in.StreamSpecification; sp != nil {
		vs.oneOf(sp.StreamViewType, "streamSpecification.streamViewType", streamViews...)
	}
	for i, d := range in.AttributeDefinitions {
		vs.oneOf(d.AttributeType, fmt.Sprintf("attributeDefinitions.%d.member.attributeType", i+1), store.TypeB, store.TypeN, store.TypeS)
	}
	for i, u := range in.GlobalSecondaryIndexUpdates {
		field := fmt.Sprintf("globalSecondaryIndexUpdates.%d.member", i+1)
		if u.Create != nil {
			(&createTableInput{}).indexShape(&vs, *u.Create, field+".create")
			vs.throughput(u.Create.ProvisionedThroughput, field+".create.provisionedThroughput")
		}
		if u.Delete != nil {
			vs.name(u.Delete.IndexName, field+".delete.indexName")
		}
		if u.Update != nil {
			vs.name(u.Update.IndexName, field+".update.indexName")
			vs.throughput(u.Update.ProvisionedThroughput, field+".update.provisionedThroughput")
		}
	}
	if err := vs.err(); err != nil {
		return err
	}
	if in.ProvisionedThroughput == nil && in.BillingMode == "" && in.StreamSpecification == nil && len(in.GlobalSecondaryIndexUpdates) == 0 &&
		in.SSESpecification == nil && in.DeletionProtectionEnabled == nil && in.TableClass == "" {
		return invalid(msgNothingToUpdate)
	}
	return nil
}

// isTableARN reports whether a TableName is a table's ARN.
func isTableARN(name string) bool {
	_, ok := cutTableARN(name)
	return ok
}

// plan checks the request against table t, as AWS does, and returns the
// store update that makes it: the stream, at most one index, and Meta.
// now is the time in epoch ms.
func (in *updateTableInput) plan(t store.Table, now int64) (store.TableUpdate, error) {
	m := metaOf(t)
	if err := in.checkAlone(); err != nil {
		return store.TableUpdate{}, err
	}
	var p store.TableUpdate
	if err := in.billing(&m, now); err != nil {
		return store.TableUpdate{}, err
	}
	if err := in.stream(t, &m, &p); err != nil {
		return store.TableUpdate{}, err
	}
	if err := in.indexes(t, &m, &p); err != nil {
		return store.TableUpdate{}, err
	}
	if err := provisionedIndexes(t, m, p.DeleteIndex); err != nil {
		return store.TableUpdate{}, err
	}
	if in.DeletionProtectionEnabled != nil {
		m.DeletionProtection = *in.DeletionProtectionEnabled
	}
	if in.TableClass != "" {
		if err := checkTableClass(in.TableClass); err != nil {
			return store.TableUpdate{}, err
		}
		m.TableClass = in.TableClass
	}
	if in.SSESpecification != nil {
		if err := in.sse(m); err != nil {
			return store.TableUpdate{}, err
		}
		m.SSE = in.SSESpecification
	}
	p.Meta = m.encode()
	return p, nil
}

// checkAlone refuses the changes AWS makes only on their own, and index
// changes beside a stream change.
func (in *updateTableInput) checkAlone() error {
	others := in.ProvisionedThroughput != nil || in.BillingMode != "" || in.StreamSpecification != nil || len(in.GlobalSecondaryIndexUpdates) > 0
	switch {
	case in.SSESpecification != nil && (others || in.DeletionProtectionEnabled != nil || in.TableClass != ""):
		return invalid(msgInvalid + "Server-Side Encryption modification must be the only operation in the request")
	case in.TableClass != "" && (others || in.DeletionProtectionEnabled != nil):
		return invalid(msgInvalid + "TableClass modification must be the only operation in the request")
	case in.DeletionProtectionEnabled != nil && others:
		return invalid(msgInvalid + "DeletionProtection modification must be the only operation in the request")
	case in.StreamSpecification != nil && len(in.GlobalSecondaryIndexUpdates) > 0:
		return invalid(msgInvalid + "You cannot create or delete index while changing stream status")
	}
	return nil
}

// billing applies BillingMode and ProvisionedThroughput to m.
func (in *updateTableInput) billing(m *tableMeta, now int64) error {
	mode := in.BillingMode
	if mode == "" {
		mode = m.BillingMode
	}
	switch {
	case mode == billingOnDemand && in.ProvisionedThroughput != nil:
		return invalid(msgInvalid + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	case mode == billingProvisioned && m.BillingMode == billingOnDemand && in.ProvisionedThroughput == nil:
		return invalid(msgInvalid + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
	}
	if err := checkThroughputBounds(in.ProvisionedThroughput); err != nil {
		return err
	}
	if tp := in.ProvisionedThroughput; tp != nil && m.BillingMode == billingProvisioned && *tp == m.Throughput {
		return invalid("The provisioned throughput for the table will not change. The requested value equals the current value. "+
			"Current ReadCapacityUnits provisioned for the table: %d. Requested ReadCapacityUnits: %d. "+
			"Current WriteCapacityUnits provisioned for the table: %d. Requested WriteCapacityUnits: %d. "+
			"Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
			m.Throughput.ReadCapacityUnits, tp.ReadCapacityUnits, m.Throughput.WriteCapacityUnits, tp.WriteCapacityUnits)
	}
	if mode != m.BillingMode {
		m.BillingMode, m.BillingChanged = mode, now
		if mode == billingOnDemand {
			m.Throughput, m.IndexThroughput = throughput{}, nil
		}
	}
	if in.ProvisionedThroughput != nil {
		m.Throughput = *in.ProvisionedThroughput
	}
	return nil
}

// stream applies a StreamSpecification.
func (in *updateTableInput) stream(t store.Table, m *tableMeta, u *store.TableUpdate) error {
	sp := in.StreamSpecification
	switch {
	case sp == nil:
		return nil
	case sp.StreamEnabled && sp.StreamViewType == "":
		return invalid(msgInvalid + "If stream is being enabled then UpdateViewType is required")
	case !sp.StreamEnabled && sp.StreamViewType != "":
		return invalid(msgInvalid + "If stream is being disabled, then UpdateViewType must not be specified")
	case sp.StreamEnabled && t.StreamView != "":
		return invalid("Table already has an enabled stream: TableName: %s", t.Name)
	case !sp.StreamEnabled && t.StreamView == "":
		return invalid("Table has no stream to disable: TableName: %s", t.Name)
	}
	view := sp.StreamViewType
	u.StreamView = &view
	if view != "" {
		m.StreamView = view
	}
	return nil
}

// indexes applies GlobalSecondaryIndexUpdates: at most one index is
// created or deleted per call, as on AWS.
func (in *updateTableInput) indexes(t store.Table, m *tableMeta, p *store.TableUpdate) error {
	ups := in.GlobalSecondaryIndexUpdates
	if ups == nil {
		return nil
	}
	if len(ups) == 0 {
		return invalid(msgInvalid + "List of GlobalSecondaryIndexUpdates is empty")
	}
	seen := map[string]bool{}
	changes := 0
	for _, u := range ups {
		n := 0
		for _, set := range []bool{u.Create != nil, u.Delete != nil, u.Update != nil} {
			if set {
				n++
			}
		}
		switch {
		case n == 0:
			return invalid(msgInvalid + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null")
		case n > 1:
			return invalid(msgInvalid + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object")
		case seen[u.name()]:
			return invalid(msgInvalid+"Only one global secondary index update per index is allowed simultaneously. Index: %s", u.name())
		}
		seen[u.name()] = true
		if u.Update == nil {
			changes++
		}
	}
	if changes > 1 {
		return &Error{Code: CodeLimitExceeded, Message: "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"}
	}
	for _, u := range ups {
		var err error
		switch {
		case u.Create != nil:
			p.AddIndex, err = in.createIndex(t, m, *u.Create)
		case u.Delete != nil:
			p.DeleteIndex, err = deleteIndex(t, m, *u.Delete.IndexName)
		default:
			err = updateIndex(t, m, *u.Update.IndexName, u.Update.ProvisionedThroughput)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// provisionedIndexes checks that a provisioned table's global indexes
// all have their throughput (a table switched to PROVISIONED gets theirs
// from Update actions in the same request).
func provisionedIndexes(t store.Table, m tableMeta, deleted string) error {
	if m.BillingMode != billingProvisioned {
		return nil
	}
	for _, ix := range t.Indexes {
		if _, ok := m.IndexThroughput[ix.Name]; !ok && !ix.Local && ix.Name != deleted {
			return invalid(msgInvalid+"ProvisionedThroughput must be specified for index: %s", ix.Name)
		}
	}
	return nil
}

// findIndex is the index of t named name.
func findIndex(t store.Table, name string) (store.IndexConfig, bool) {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return store.IndexConfig{}, false
}

// createIndex checks a Create action and returns the index to add.
func (in *updateTableInput) createIndex(t store.Table, m *tableMeta, ix indexInput) (*store.IndexConfig, error) {
	name := *ix.IndexName
	if _, ok := findIndex(t, name); ok {
		return nil, invalid("Attempting to create an index which already exists")
	}
	defs := map[string]string{}
	var names []string
	for _, d := range attrDefs(t) {
		defs[d.AttributeName] = d.AttributeType
	}
	for _, d := range in.AttributeDefinitions {
		if old, ok := defs[d.AttributeName]; ok && old != d.AttributeType {
			return nil, invalid(msgInvalid+"Cannot change the type of an existing attribute: %s", d.AttributeName)
		}
		defs[d.AttributeName] = d.AttributeType
		names = append(names, d.AttributeName)
	}
	if in.AttributeDefinitions == nil {
		return nil, invalid(msgInvalid+"AttributeDefinitions is not specified for index: %s", name)
	}
	if err := checkIndex(ix, names, defs, map[string]bool{}); err != nil {
		return nil, err
	}
	globals := 0
	for _, x := range t.Indexes {
		if !x.Local {
			globals++
		}
	}
	if globals >= maxGlobalIndexes {
		return nil, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("Subscriber limit exceeded: The number of global secondary indexes for the table exceeds the limit of %d", maxGlobalIndexes)}
	}
	if m.BillingMode == billingProvisioned && ix.ProvisionedThroughput == nil {
		return nil, invalid(msgInvalid+"ProvisionedThroughput must be specified for index: %s", name)
	}
	tp, err := indexThroughput(name, ix.ProvisionedThroughput, m.BillingMode)
	if err != nil {
		return nil, err
	}
	if m.BillingMode == billingProvisioned {
		if m.IndexThroughput == nil {
			m.IndexThroughput = map[string]throughput{}
		}
		m.IndexThroughput[name] = tp
	}
	c := indexConfig(ix, defs, false)
	return &c, nil
}

// deleteIndex checks a Delete action and returns the index to delete.
func deleteIndex(t store.Table, m *tableMeta, name string) (string, error) {
	ix, ok := findIndex(t, name)
	if !ok || ix.Local {
		return "", &Error{Code: CodeResourceNotFound, Message: "Requested resource not found: Index: " + name + " not found"}
	}
	delete(m.IndexThroughput, name)
	return name, nil
}

// updateIndex applies an Update action (a global index's throughput).
func updateIndex(t store.Table, m *tableMeta, name string, tp *throughput) error {
	ix, ok := findIndex(t, name)
	if !ok || ix.Local {
		return &Error{Code: CodeResourceNotFound, Message: "Requested resource not found: Index: " + name + " not found"}
	}
	if m.BillingMode == billingOnDemand {
		return invalid(msgInvalid+"The only Updates for index: %s when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput", name)
	}
	if tp == nil {
		return invalid(msgInvalid+"ProvisionedThroughput must be specified for index: %s", name)
	}
	if err := checkThroughputBounds(tp); err != nil {
		return err
	}
	if m.IndexThroughput == nil {
		m.IndexThroughput = map[string]throughput{}
	}
	m.IndexThroughput[name] = *tp
	return nil
}

// sse checks an SSESpecification update.
func (in *updateTableInput) sse(m tableMeta) error {
	if err := checkSSE(in.SSESpecification); err != nil {
		return err
	}
	was := m.SSE != nil && m.SSE.Enabled != nil && *m.SSE.Enabled
	now := in.SSESpecification.Enabled != nil && *in.SSESpecification.Enabled
	if !was && !now {
		return invalid(msgInvalid + "Table is already encrypted by default")
	}
	if was && now && in.SSESpecification.KMSMasterKeyID == m.SSE.KMSMasterKeyID {
		return invalid(msgInvalid + "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key")
	}
	return nil
}
