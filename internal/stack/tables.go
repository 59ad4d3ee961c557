package stack

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
)

// A tableInfo is a declared table while the stack resolves.
type tableInfo struct {
	t    *Table
	at   pos    // where it is declared
	what string // how messages name its declaration: dynamo-db-table "users"
	// badStream says the table's stream is written wrong (reported), so
	// that its stream ARN is not reported missing too.
	badStream bool
}

// tableState is what the resolver collects about tables.
type tableState struct {
	tables      map[string]*tableInfo // by DynamoDB name
	stackTables map[string]*tableInfo // by dynamo-db-table resource name
	cfTables    map[string]*tableInfo // by logical id
}

func newTableState() tableState {
	return tableState{tables: map[string]*tableInfo{}, stackTables: map[string]*tableInfo{}, cfTables: map[string]*tableInfo{}}
}

// checkTableName says what is wrong with a table or index name, "" if
// nothing.
func checkTableName(name string) string {
	switch {
	case len(name) < minTableName || len(name) > maxTableName:
		return fmt.Sprintf("must be %d to %d characters", minTableName, maxTableName)
	case !streamName.MatchString(name): // DynamoDB's characters are Kinesis's
		return "may hold only letters, digits, '_', '.' and '-'"
	}
	return ""
}

// declareTables declares the stack's dynamo-db-table resources and
// cloudformationResources tables.
func (r *resolver) declareTables(s *Stack) {
	for _, res := range s.Resources {
		if p, ok := res.Properties.(*DynamoDBTableProps); ok {
			r.dynamoTable(res, p)
		}
	}
	for _, c := range s.CloudformationResources {
		if p, ok := c.Properties.(*CfTableProps); ok {
			r.cfTable(c, p)
		}
	}
}

// keyTypes records the type of each key attribute of a table and its
// indexes, and where it was first given, so that one attribute has one
// type.
type keyTypes map[string]keyType

type keyType struct {
	typ string
	at  pos
}

// stpAttrTypes are Stacktape's attribute types, by name.
var stpAttrTypes = map[string]string{"string": AttrString, "number": AttrNumber, "binary": AttrBinary}

// dynamoTable declares a dynamo-db-table.
func (r *resolver) dynamoTable(res *Resource, p *DynamoDBTableProps) {
	at, _ := r.d.pos(res)
	t := &Table{Resource: res.Name, Name: res.Name}
	if msg := checkTableName(res.Name); msg != "" {
		r.d.errorf(at, "dynamo-db-table %q: the table is named after the resource, and a DynamoDB table name %s", res.Name, msg)
	}
	types := keyTypes{}
	pk := &p.PrimaryKey
	t.PartitionKey, _ = r.stpKey(&pk.PartitionKey, types)
	if pk.SortKey != nil {
		if k, ok := r.stpKey(pk.SortKey, types); ok {
			t.SortKey = &k
			r.distinctKeys(t.PartitionKey, t.SortKey, &pk.SortKey.Name)
		}
	}
	if sat, ok := r.d.pos(p.StreamType); ok {
		t.StreamView = r.streamView(sat, "streamType", *p.StreamType)
	}
	var ixs []indexAt
	for i := range p.SecondaryIndexes {
		ix := &p.SecondaryIndexes[i]
		nat, ok := r.d.pos(&ix.Name)
		if !ok {
			continue
		}
		ti := TableIndex{Name: ix.Name, Projection: ProjectionKeysOnly}
		ti.PartitionKey, ok = r.stpKey(&ix.PartitionKey, types)
		if ix.SortKey != nil {
			k, kok := r.stpKey(ix.SortKey, types)
			ok = ok && kok
			ti.SortKey = &k
			if kok {
				r.distinctKeys(ti.PartitionKey, ti.SortKey, &ix.SortKey.Name)
			}
		}
		if len(ix.Projections) > 0 {
			ti.Projection, ti.NonKeyAttributes = ProjectionInclude, slices.Clone(ix.Projections)
		}
		pat, _ := r.d.key(&ix.Projections)
		if ok {
			ixs = append(ixs, indexAt{ti, nat, pat, &ix.Projections})
		}
	}
	lat, _ := r.d.key(&p.SecondaryIndexes)
	r.indexQuota(lat, "secondaryIndexes", len(p.SecondaryIndexes), maxGlobalIndexes, "global")
	t.GlobalIndexes = r.indexes(ixs, nil)
	if p.EnablePointInTimeRecovery {
		pat, _ := r.d.key(&p.EnablePointInTimeRecovery)
		r.d.warnf(pat, "enablePointInTimeRecovery is ignored: there are no backups locally; the table is kept in Verge's data folder")
	}
	_, streamKeyed := r.d.key(&p.StreamType)
	info := &tableInfo{t: t, at: at, what: fmt.Sprintf("%s %q", res.Type, res.Name), badStream: streamKeyed && t.StreamView == ""}
	r.ts.stackTables[res.Name] = info
	r.addTable(info)
}

// stpKey resolves a Stacktape key attribute, recording its type.
func (r *resolver) stpKey(a *DynamoDBAttribute, types keyTypes) (KeyAttribute, bool) {
	nat, nok := r.d.pos(&a.Name)
	tat, tok := r.d.pos(&a.Type)
	if !nok || !tok {
		return KeyAttribute{}, false
	}
	ok := r.keyName(nat, "name", a.Name)
	typ, known := stpAttrTypes[a.Type]
	if !known {
		r.d.errorf(tat, "type must be string, number or binary, found %q", a.Type)
		return KeyAttribute{}, false
	}
	return KeyAttribute{Name: a.Name, Type: typ}, ok && r.keyType(types, a.Name, typ, tat)
}

// keyName checks a key attribute's name, written under key.
func (r *resolver) keyName(at pos, key, name string) bool {
	if name == "" || len(name) > maxKeyAttributeName {
		r.d.errorf(at, "%s must be 1 to %d bytes, found %d", key, maxKeyAttributeName, len(name))
		return false
	}
	return true
}

// keyType records that attribute name has type typ, given at at,
// reporting another type given before.
func (r *resolver) keyType(types keyTypes, name, typ string, at pos) bool {
	if prev, seen := types[name]; seen {
		if prev.typ != typ {
			r.d.errorf(at, "attribute %q is of type %s here but %s at line %d: an attribute has one type in a table's keys", name, typ, prev.typ, prev.at.line)
			return false
		}
		return true
	}
	types[name] = keyType{typ, at}
	return true
}

// distinctKeys reports a sort key that is the partition key, at the sort
// key's name (*name).
func (r *resolver) distinctKeys(pk KeyAttribute, sk *KeyAttribute, name any) {
	if sk != nil && pk.Name == sk.Name {
		at, _ := r.d.pos(name)
		r.d.errorf(at, "the sort key is the partition key %q (DynamoDB: \"Both the Hash Key and the Range Key element in the KeySchema have the same name\")", pk.Name)
	}
}

// streamView checks a stream view type written under key, "" when it is
// wrong (reported).
func (r *resolver) streamView(at pos, key, v string) string {
	switch v {
	case StreamKeysOnly, StreamNewImage, StreamOldImage, StreamNewAndOldImages:
		return v
	}
	r.d.errorf(at, "%s must be %s, %s, %s or %s, found %q", key, StreamKeysOnly, StreamNewImage, StreamOldImage, StreamNewAndOldImages, v)
	return ""
}

// An indexAt is a resolved index with where its name is written, where
// its non-key attributes are (their key; nameless when none) and a
// pointer to that list, for the positions of its elements.
type indexAt struct {
	ix      TableIndex
	at      pos
	listAt  pos
	nonKeys *[]string
}

// indexQuota reports a list of n indexes, written under key at at, over
// DynamoDB's quota of most indexes of that kind.
func (r *resolver) indexQuota(at pos, key string, n, most int, kind string) {
	if n > most {
		r.d.errorf(at, "%s holds %d indexes; a table has at most %d %s secondary indexes", key, n, most, kind)
	}
}

// indexes checks a table's global and local indexes (those that resolved):
// unique and valid names, and the non-key attributes. It returns the
// global ones.
func (r *resolver) indexes(global, local []indexAt) []TableIndex {
	names := map[string]pos{}
	nonKeys := 0
	var out []TableIndex
	for j, ia := range slices.Concat(global, local) {
		if msg := checkTableName(ia.ix.Name); msg != "" {
			r.d.errorf(ia.at, "index name %q %s", ia.ix.Name, msg)
		} else if first, dup := names[ia.ix.Name]; dup {
			r.d.errorf(ia.at, "index %q is declared twice (first at line %d): index names are unique in a table", ia.ix.Name, first.line)
		} else {
			names[ia.ix.Name] = ia.at
		}
		seen := map[string]bool{}
		for k, a := range ia.ix.NonKeyAttributes {
			aat, _ := r.d.pos(&(*ia.nonKeys)[k])
			switch {
			case a == "" || len(a) > maxKeyAttributeName:
				r.d.errorf(aat, "a projected attribute's name must be 1 to %d bytes, found %d", maxKeyAttributeName, len(a))
			case seen[a]:
				r.d.errorf(aat, "attribute %q is projected twice into index %q", a, ia.ix.Name)
			}
			seen[a] = true
		}
		nonKeys += len(ia.ix.NonKeyAttributes)
		if nonKeys > maxNonKeyAttributes && nonKeys-len(ia.ix.NonKeyAttributes) <= maxNonKeyAttributes {
			r.d.errorf(ia.listAt, "the table's indexes project %d or more non-key attributes; DynamoDB allows at most %d over all of a table's indexes", nonKeys, maxNonKeyAttributes)
		}
		if j < len(global) {
			out = append(out, ia.ix)
		}
	}
	return out
}

// cfTable declares an AWS::DynamoDB::Table.
func (r *resolver) cfTable(c *CfResource, p *CfTableProps) {
	at, _ := r.d.pos(c)
	t := &Table{Resource: c.Name, Name: c.Name}
	if nat, ok := r.d.pos(&p.TableName); ok {
		if msg := checkTableName(p.TableName); msg != "" {
			r.d.errorf(nat, "TableName %q %s", p.TableName, msg)
		} else {
			t.Name = p.TableName
		}
	} else if msg := checkTableName(c.Name); msg != "" {
		r.d.errorf(at, "%s %q: without TableName the table is named by its logical id, and a DynamoDB table name %s", c.Type, c.Name, msg)
	}
	defs := r.attributeDefinitions(p.AttributeDefinitions)
	// Every attribute a key schema names is used, even in a key schema
	// that is wrong (reported), so that its definition is not reported
	// too.
	used := map[string]bool{}
	for _, ks := range slices.Concat([][]CfKeyElement{p.KeySchema}, gsiKeys(p.GlobalSecondaryIndexes), lsiKeys(p.LocalSecondaryIndexes)) {
		for _, e := range ks {
			used[e.AttributeName] = true
		}
	}
	if kat, ok := r.d.pos(&p.KeySchema); ok {
		if pk, sk, ok := r.keySchema(kat, "KeySchema", p.KeySchema, defs); ok {
			t.PartitionKey, t.SortKey = pk, sk
		}
	}
	var global, local []indexAt
	for i := range p.GlobalSecondaryIndexes {
		g := &p.GlobalSecondaryIndexes[i]
		if ia, ok := r.cfIndex(&g.IndexName, &g.KeySchema, &g.Projection, defs); ok {
			global = append(global, ia)
		}
	}
	for i := range p.LocalSecondaryIndexes {
		l := &p.LocalSecondaryIndexes[i]
		ia, ok := r.cfIndex(&l.IndexName, &l.KeySchema, &l.Projection, defs)
		if !ok {
			continue
		}
		kat, _ := r.d.pos(&l.KeySchema)
		switch {
		case t.PartitionKey.Name == "":
			continue // the table's key is wrong, which is reported
		case t.SortKey == nil:
			r.d.errorf(kat, "local index %q needs a table with a sort key (DynamoDB: \"Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex\")", ia.ix.Name)
			continue
		case ia.ix.PartitionKey.Name != t.PartitionKey.Name:
			r.d.errorf(kat, "local index %q's partition key is %q, but a local index's is the table's, %q", ia.ix.Name, ia.ix.PartitionKey.Name, t.PartitionKey.Name)
			continue
		case ia.ix.SortKey == nil:
			r.d.errorf(kat, "local index %q needs a sort key (a RANGE element): it sorts the table's partitions another way", ia.ix.Name)
			continue
		}
		local = append(local, ia)
	}
	gat, _ := r.d.key(&p.GlobalSecondaryIndexes)
	lat, _ := r.d.key(&p.LocalSecondaryIndexes)
	r.indexQuota(gat, "GlobalSecondaryIndexes", len(p.GlobalSecondaryIndexes), maxGlobalIndexes, "global")
	r.indexQuota(lat, "LocalSecondaryIndexes", len(p.LocalSecondaryIndexes), maxLocalIndexes, "local")
	t.GlobalIndexes = r.indexes(global, local)
	for _, ia := range local {
		t.LocalIndexes = append(t.LocalIndexes, ia.ix)
	}
	// A key naming an undefined attribute is reported; it is likely the
	// unused definition misspelled, which is not reported too.
	undefined := false
	for name := range used {
		_, defined := defs[name]
		undefined = undefined || !defined
	}
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		if !used[name] && !undefined {
			r.d.errorf(defs[name].at, "AttributeDefinitions defines %q, which is no key of the table nor of its indexes (DynamoDB: \"Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions\"): define key attributes only", name)
		}
	}
	if ss := p.StreamSpecification; ss != nil {
		if vat, ok := r.d.pos(&ss.StreamViewType); ok {
			t.StreamView = r.streamView(vat, "StreamViewType", ss.StreamViewType)
		}
	}
	if ttl := p.TimeToLiveSpecification; ttl != nil && ttl.Enabled {
		if nat, ok := r.d.pos(&ttl.AttributeName); ok && r.keyName(nat, "AttributeName", ttl.AttributeName) {
			t.TTLAttribute = ttl.AttributeName
		} else if !ok {
			eat, _ := r.d.key(&ttl.Enabled)
			r.d.errorf(eat, "TimeToLiveSpecification needs AttributeName when Enabled is true: the attribute holding an item's expiry time")
		}
	}
	r.billing(p)
	t.Tags = r.tags(&p.Tags, maxTableTags)
	_, streamKeyed := r.d.key(&p.StreamSpecification)
	info := &tableInfo{t: t, at: at, what: fmt.Sprintf("%s %q", c.Type, c.Name), badStream: streamKeyed && t.StreamView == ""}
	r.ts.cfTables[c.Name] = info
	r.addTable(info)
}

// An attrDef is a defined attribute's type and where it is defined.
type attrDef struct {
	typ string
	at  pos
}

// attributeDefinitions checks AttributeDefinitions, returning the
// attributes defined, with type "" when it is wrong (reported).
func (r *resolver) attributeDefinitions(list []CfAttributeDefinition) map[string]attrDef {
	defs := map[string]attrDef{}
	for i := range list {
		d := &list[i]
		nat, nok := r.d.pos(&d.AttributeName)
		tat, tok := r.d.pos(&d.AttributeType)
		if !nok || !tok || !r.keyName(nat, "AttributeName", d.AttributeName) {
			continue
		}
		if prev, dup := defs[d.AttributeName]; dup {
			r.d.errorf(nat, "attribute %q is defined twice (first at line %d)", d.AttributeName, prev.at.line)
			continue
		}
		typ := d.AttributeType
		switch typ {
		case AttrString, AttrNumber, AttrBinary:
		default:
			r.d.errorf(tat, "AttributeType must be S, N or B, found %q", typ)
			typ = ""
		}
		defs[d.AttributeName] = attrDef{typ, nat}
	}
	return defs
}

// gsiKeys and lsiKeys are the key schemas of indexes.
func gsiKeys(ixs []CfGlobalIndex) [][]CfKeyElement {
	out := make([][]CfKeyElement, len(ixs))
	for i, ix := range ixs {
		out[i] = ix.KeySchema
	}
	return out
}

func lsiKeys(ixs []CfLocalIndex) [][]CfKeyElement {
	out := make([][]CfKeyElement, len(ixs))
	for i, ix := range ixs {
		out[i] = ix.KeySchema
	}
	return out
}

// keySchema checks a KeySchema written at at under key: a HASH element,
// then an optional RANGE element, each of a defined attribute. It returns
// the keys.
func (r *resolver) keySchema(at pos, key string, ks []CfKeyElement, defs map[string]attrDef) (KeyAttribute, *KeyAttribute, bool) {
	if len(ks) == 0 || len(ks) > 2 {
		r.d.errorf(at, "%s must hold a HASH element and at most one RANGE element, found %d elements", key, len(ks))
		return KeyAttribute{}, nil, false
	}
	var keys []KeyAttribute
	ok := true
	for i := range ks {
		e := &ks[i]
		nat, nok := r.d.pos(&e.AttributeName)
		tat, tok := r.d.pos(&e.KeyType)
		if !nok || !tok {
			ok = false
			continue
		}
		want := []string{"HASH", "RANGE"}[i]
		if e.KeyType != "HASH" && e.KeyType != "RANGE" {
			r.d.errorf(tat, "KeyType must be HASH or RANGE, found %q", e.KeyType)
			ok = false
			continue
		}
		if e.KeyType != want {
			r.d.errorf(tat, "%s's element %d must be %s, found %s: the HASH (partition) key comes first, then the optional RANGE (sort) key", key, i+1, want, e.KeyType)
			ok = false
			continue
		}
		def, defined := defs[e.AttributeName]
		if !defined {
			r.d.errorf(nat, "%s names attribute %q, which AttributeDefinitions does not define (%sdefined: %s)", key, e.AttributeName, didYouMean(e.AttributeName, slices.Collect(maps.Keys(defs))), strings.Join(slices.Sorted(maps.Keys(defs)), ", "))
			ok = false
			continue
		}
		if def.typ == "" {
			ok = false // its definition is wrong, which is reported
			continue
		}
		keys = append(keys, KeyAttribute{Name: e.AttributeName, Type: def.typ})
	}
	if !ok {
		return KeyAttribute{}, nil, false
	}
	if len(keys) == 2 {
		if keys[0].Name == keys[1].Name {
			r.distinctKeys(keys[0], &keys[1], &ks[1].AttributeName)
			return KeyAttribute{}, nil, false
		}
		return keys[0], &keys[1], true
	}
	return keys[0], nil, true
}

// cfIndex checks a CloudFormation index's name, key schema and
// projection.
func (r *resolver) cfIndex(name *string, ks *[]CfKeyElement, pj *CfProjection, defs map[string]attrDef) (indexAt, bool) {
	nat, nok := r.d.pos(name)
	kat, kok := r.d.pos(ks)
	tat, tok := r.d.pos(&pj.ProjectionType)
	if !nok || !kok || !tok {
		return indexAt{}, false
	}
	pk, sk, ok := r.keySchema(kat, "KeySchema", *ks, defs)
	ix := TableIndex{Name: *name, PartitionKey: pk, SortKey: sk, Projection: pj.ProjectionType, NonKeyAttributes: slices.Clone(pj.NonKeyAttributes)}
	lat, hasList := r.d.key(&pj.NonKeyAttributes)
	switch pj.ProjectionType {
	case ProjectionAll, ProjectionKeysOnly:
		if hasList {
			r.d.errorf(lat, "NonKeyAttributes go with ProjectionType INCLUDE only (DynamoDB: \"No attributes should be specified to be projected unless projection type is INCLUDE\")")
			ok = false
		}
	case ProjectionInclude:
		if len(pj.NonKeyAttributes) == 0 {
			r.d.errorf(tat, "ProjectionType INCLUDE needs NonKeyAttributes: the attributes copied into index %q", *name)
			ok = false
		}
	default:
		r.d.errorf(tat, "ProjectionType must be ALL, KEYS_ONLY or INCLUDE, found %q", pj.ProjectionType)
		ok = false
	}
	return indexAt{ix, nat, lat, &pj.NonKeyAttributes}, ok
}

// billing checks BillingMode and ProvisionedThroughput, which agree as
// DynamoDB requires, and warns that capacity means nothing locally.
func (r *resolver) billing(p *CfTableProps) {
	mode, modeOK := "PROVISIONED", true
	mat, written := r.d.pos(p.BillingMode)
	if written {
		mode = *p.BillingMode
		if mode != "PROVISIONED" && mode != "PAY_PER_REQUEST" {
			r.d.errorf(mat, "BillingMode must be PROVISIONED or PAY_PER_REQUEST, found %q", mode)
			modeOK = false
		}
	} else if _, bad := r.d.key(&p.BillingMode); bad {
		modeOK = false
	}
	tat, hasThroughput := r.d.key(&p.ProvisionedThroughput)
	switch {
	case !modeOK:
	case mode == "PROVISIONED" && !hasThroughput:
		at, _ := r.d.pos(p)
		if written {
			at = mat
		}
		r.d.errorf(at, "a PROVISIONED table (CloudFormation's default BillingMode) needs ProvisionedThroughput (DynamoDB: \"ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED\"); write BillingMode: PAY_PER_REQUEST for none")
	case mode == "PAY_PER_REQUEST" && hasThroughput:
		r.d.errorf(tat, "ProvisionedThroughput cannot be used with BillingMode PAY_PER_REQUEST (DynamoDB: \"Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST\")")
	case hasThroughput:
		pt := p.ProvisionedThroughput
		valid := true
		for _, u := range []struct {
			v   *int
			key string
		}{{&pt.ReadCapacityUnits, "ReadCapacityUnits"}, {&pt.WriteCapacityUnits, "WriteCapacityUnits"}} {
			if at, ok := r.d.pos(u.v); ok && *u.v < 1 {
				r.d.errorf(at, "%s must be at least 1, found %d", u.key, *u.v)
				valid = false
			}
		}
		if valid {
			r.d.warnf(tat, "ProvisionedThroughput is ignored: %s", ignoredProperties["ProvisionedThroughput"])
		}
	}
}

// addTable registers a declared table under its DynamoDB name, reporting
// a name taken.
func (r *resolver) addTable(info *tableInfo) {
	if prev, dup := r.ts.tables[info.t.Name]; dup {
		r.d.errorf(info.at, "table name %q is taken by %s (line %d): DynamoDB table names are unique in an account", info.t.Name, prev.what, prev.at.line)
		return
	}
	r.ts.tables[info.t.Name] = info
}

// tableParams are the parameters $ResourceParam reads of a table: name,
// arn and, with a stream, streamArn.
func tableParams(t *Table) map[string]string {
	m := map[string]string{"name": t.Name, "arn": arn.Table(t.Name)}
	if t.StreamView != "" {
		m["streamArn"] = arn.TableStream(t.Name)
	}
	return m
}

// cfTableAttrs are the attributes $CfResourceParam reads of a table.
func cfTableAttrs(t *Table) map[string]string {
	m := map[string]string{"Arn": arn.Table(t.Name), "Ref": t.Name}
	if t.StreamView != "" {
		m["StreamArn"] = arn.TableStream(t.Name)
	}
	return m
}

// noStream reports at at that the table info has no stream ARN, the
// message starting with prefix, unless its stream is written wrong, which
// is reported.
func (r *resolver) noStream(at pos, prefix string, info *tableInfo) {
	if !info.badStream {
		r.d.errorf(at, "%s%s has no stream, so no stream ARN: %s", prefix, info.what, streamFix(info))
	}
}

// dynamoTrigger checks function fn's dynamo-db-stream event i and adds
// its trigger.
func (r *resolver) dynamoTrigger(fn string, i int, p *DynamoDBEventProps) {
	tb := r.tableStreamTarget(&p.StreamArn, "streamArn")
	t := StreamTrigger{
		Function: fn, Index: i, Kind: TriggerDynamoDB,
		BatchSize:                  r.intIn(p.BatchSize, "batchSize", 1, maxStreamBatch, defaultStreamBatch, "records"),
		MaxBatchWindowSeconds:      r.intIn(p.MaxBatchWindowSeconds, "maxBatchWindowSeconds", 0, maxStreamBatchWindow, 0, "seconds"),
		MaximumRetryAttempts:       r.orUnlimited(p.MaximumRetryAttempts, "maximumRetryAttempts", 0, maxStreamRetries, "retries", "retry until the records expire"),
		MaximumRecordAgeSeconds:    r.orUnlimited(p.MaximumRecordAgeInSeconds, "maximumRecordAgeInSeconds", minRecordAgeSeconds, maxRecordAgeSeconds, "seconds", "no limit"),
		ParallelizationFactor:      r.intIn(p.ParallelizationFactor, "parallelizationFactor", 1, maxParallelization, 1, "batches"),
		TumblingWindowSeconds:      r.intIn(p.TumblingWindowInSeconds, "tumblingWindowInSeconds", 0, maxTumblingWindow, 0, "seconds"),
		StartingPosition:           StartTrimHorizon,
		Enabled:                    true,
		BisectBatchOnFunctionError: p.BisectBatchOnFunctionError,
	}
	if sat, ok := r.d.pos(p.StartingPosition); ok {
		switch s := *p.StartingPosition; s {
		case StartTrimHorizon, StartLatest:
			t.StartingPosition = s
		case StartAtTimestamp:
			r.d.errorf(sat, "startingPosition %s is for Kinesis streams: Lambda reads a DynamoDB stream from %s or %s", s, StartTrimHorizon, StartLatest)
		default:
			r.d.errorf(sat, "startingPosition must be %s or %s, found %q", StartTrimHorizon, StartLatest, s)
		}
	}
	report, reportOK := r.batchItemFailures(&p.ReportBatchItemFailures, &p.FunctionResponseTypes)
	t.ReportBatchItemFailures = report
	if _, ok := r.d.pos(p.Enabled); ok {
		t.Enabled = *p.Enabled
	}
	var failureOK bool
	t.OnFailure, failureOK = r.streamOnFailure(p.OnFailure)
	if tb == nil || !reportOK || !failureOK {
		return
	}
	t.Stream = tb.t.Name
	at, _ := r.d.pos(&p.StreamArn)
	if r.duplicate(at, "dynamodb\x00"+t.Stream+"\x00"+fn, fmt.Sprintf("function %q already reads the stream of table %q", fn, t.Stream)) {
		return
	}
	r.ss.triggers = append(r.ss.triggers, t)
}

// tableStreamWant says what a dynamo-db-stream event's streamArn takes,
// for messages.
var tableStreamWant = "a table's stream ARN (" + arn.Table("NAME") + "/stream/LABEL)"

// tableStreamTarget resolves a Template written under key that names the
// stream of a table of the stack, reporting at its position why it
// cannot.
func (r *resolver) tableStreamTarget(t *Template, key string) *tableInfo {
	at, ok := r.d.pos(t)
	if !ok {
		return nil
	}
	v, ok := r.expand(t)
	if !ok {
		return nil
	}
	name, label, err := parseTableStreamARN(v)
	info := r.ts.tables[name]
	if isSecret(t) {
		// Messages never show a secret's value, not even part of it.
		if err != nil || label == "" || info == nil || info.t.StreamView == "" || label != arn.TableStreamLabel(name) {
			r.d.errorf(at, "%s %q does not resolve to the stream ARN of a table of this stack with a stream (the value is a secret, not shown)", key, string(*t))
			return nil
		}
		return info
	}
	switch {
	case err != nil:
		r.d.errorf(at, "%s %q %v", key, v, err)
	case info == nil:
		r.undeclared(at, key, fmt.Sprintf("%q", v), "table", name, slices.Sorted(maps.Keys(r.ts.tables)))
	case label == "" && info.t.StreamView == "":
		r.noStream(at, fmt.Sprintf("%s %q is the ARN of table %q, not of its stream; and ", key, v, name), info)
	case label == "":
		r.d.errorf(at, "%s %q is the ARN of table %q, not of its stream (%s): write %s", key, v, name, arn.TableStream(name), streamParam(info))
	case info.t.StreamView == "":
		r.noStream(at, fmt.Sprintf("%s %q: ", key, v), info)
	case label != arn.TableStreamLabel(name):
		r.d.errorf(at, "%s %q names stream %q of table %q, but the table's stream is %q (its ARN is %s): write %s", key, v, label, name, arn.TableStreamLabel(name), arn.TableStream(name), streamParam(info))
	default:
		return info
	}
	return nil
}

// streamFix says how to give a table a stream.
func streamFix(info *tableInfo) string {
	if strings.HasPrefix(info.what, CfTable) {
		return "give it a StreamSpecification"
	}
	return "set its streamType (" + StreamNewAndOldImages + ", for one)"
}

// streamParam is the directive that names a table's stream ARN.
func streamParam(info *tableInfo) string {
	if strings.HasPrefix(info.what, CfTable) {
		return fmt.Sprintf("$CfResourceParam('%s', 'StreamArn')", info.t.Resource)
	}
	return fmt.Sprintf("$ResourceParam('%s', 'streamArn')", info.t.Resource)
}

// parseTableStreamARN reads a DynamoDB table's ARN
// (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME) or its stream's
// (…:table/NAME/stream/LABEL) of Verge's one local account, returning the
// table's name and the stream's label, "" for a table.
func parseTableStreamARN(s string) (table, label string, err error) {
	a, err := splitARN(s, "streamArn", tableStreamWant)
	switch {
	case err != nil:
		return "", "", err
	case a.service != "dynamodb":
		return "", "", fmt.Errorf("is an ARN of service %q; it takes %s", a.service, tableStreamWant)
	}
	if err := a.local("streamArn"); err != nil {
		return "", "", err
	}
	rest, ok := strings.CutPrefix(a.resource, "table/")
	if !ok {
		return "", "", errors.New("is a DynamoDB ARN but not a table's (…:table/NAME/stream/LABEL)")
	}
	table, tail, hasTail := strings.Cut(rest, "/")
	if msg := checkTableName(table); msg != "" {
		return "", "", fmt.Errorf("names table %q, whose name %s", table, msg)
	}
	if !hasTail {
		return table, "", nil
	}
	label, ok = strings.CutPrefix(tail, "stream/")
	if !ok || label == "" || strings.ContainsAny(label, "/ ") {
		return "", "", errors.New("is neither a table's ARN (…:table/NAME) nor its stream's (…:table/NAME/stream/LABEL)")
	}
	return table, label, nil
}

// finishTables returns the tables sorted by name.
func (r *resolver) finishTables() []Table {
	var out []Table
	for _, info := range r.ts.tables {
		out = append(out, *info.t)
	}
	slices.SortFunc(out, func(a, b Table) int { return strings.Compare(a.Name, b.Name) })
	return out
}
