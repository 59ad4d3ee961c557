package dynamodb

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// Table and index statuses.
const (
	statusActive   = "ACTIVE"
	statusDeleting = "DELETING"
)

// A tableDescription is DescribeTable's Table (and CreateTable's,
// UpdateTable's and DeleteTable's TableDescription).
type tableDescription struct {
	TableName                 string             `json:"TableName"`
	TableID                   string             `json:"TableId"`
	TableArn                  string             `json:"TableArn"`
	TableStatus               string             `json:"TableStatus"`
	CreationDateTime          json.Number        `json:"CreationDateTime"`
	ItemCount                 int64              `json:"ItemCount"`
	TableSizeBytes            int64              `json:"TableSizeBytes"`
	AttributeDefinitions      []attrDef          `json:"AttributeDefinitions"`
	KeySchema                 []keyElement       `json:"KeySchema"`
	BillingModeSummary        *billingSummary    `json:"BillingModeSummary,omitempty"`
	ProvisionedThroughput     throughputDesc     `json:"ProvisionedThroughput"`
	GlobalSecondaryIndexes    []indexDescription `json:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes     []indexDescription `json:"LocalSecondaryIndexes,omitempty"`
	StreamSpecification       *streamSpec        `json:"StreamSpecification,omitempty"`
	LatestStreamArn           string             `json:"LatestStreamArn,omitempty"`
	LatestStreamLabel         string             `json:"LatestStreamLabel,omitempty"`
	DeletionProtectionEnabled bool               `json:"DeletionProtectionEnabled"`
	TableClassSummary         *tableClassSummary `json:"TableClassSummary,omitempty"`
	SSEDescription            *sseDescription    `json:"SSEDescription,omitempty"`
}

type billingSummary struct {
	BillingMode                       string      `json:"BillingMode"`
	LastUpdateToPayPerRequestDateTime json.Number `json:"LastUpdateToPayPerRequestDateTime,omitempty"`
}

// throughputDesc is a ProvisionedThroughputDescription: zeros for an
// on-demand table, as AWS shows it.
type throughputDesc struct {
	NumberOfDecreasesToday int64 `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits     int64 `json:"WriteCapacityUnits"`
}

type indexDescription struct {
	IndexName             string          `json:"IndexName"`
	KeySchema             []keyElement    `json:"KeySchema"`
	Projection            indexProjection `json:"Projection"`
	IndexStatus           string          `json:"IndexStatus,omitempty"`
	ProvisionedThroughput *throughputDesc `json:"ProvisionedThroughput,omitempty"`
	IndexSizeBytes        int64           `json:"IndexSizeBytes"`
	ItemCount             int64           `json:"ItemCount"`
	IndexArn              string          `json:"IndexArn"`
}

type tableClassSummary struct {
	TableClass string `json:"TableClass"`
}

type sseDescription struct {
	Status          string `json:"Status"`
	SSEType         string `json:"SSEType"`
	KMSMasterKeyArn string `json:"KMSMasterKeyArn"`
}

// epoch is t as a JSON 1.0 timestamp: seconds, to the millisecond.
func epoch(t time.Time) json.Number {
	return json.Number(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64))
}

// describe is table t's description with status.
func describe(t store.Table, status string) tableDescription {
	m := metaOf(t)
	d := tableDescription{
		TableName:                 t.Name,
		TableID:                   t.ID,
		TableArn:                  arn.Table(t.Name),
		TableStatus:               status,
		CreationDateTime:          epoch(t.Created),
		ItemCount:                 t.Items,
		TableSizeBytes:            t.Bytes,
		AttributeDefinitions:      attrDefs(t),
		KeySchema:                 wireKey(t.Key),
		ProvisionedThroughput:     throughputDesc{ReadCapacityUnits: m.Throughput.ReadCapacityUnits, WriteCapacityUnits: m.Throughput.WriteCapacityUnits},
		DeletionProtectionEnabled: m.DeletionProtection,
	}
	if m.BillingMode == billingOnDemand {
		d.BillingModeSummary = &billingSummary{BillingMode: billingOnDemand, LastUpdateToPayPerRequestDateTime: epoch(t.Created)}
		if m.BillingChanged != 0 {
			d.BillingModeSummary.LastUpdateToPayPerRequestDateTime = epoch(time.UnixMilli(m.BillingChanged))
		}
		d.ProvisionedThroughput = throughputDesc{}
	} else if m.BillingChanged != 0 {
		d.BillingModeSummary = &billingSummary{BillingMode: billingProvisioned}
	}
	for _, ix := range t.Indexes {
		id := indexDescription{
			IndexName:      ix.Name,
			KeySchema:      wireKey(ix.Key),
			Projection:     indexProjection{ProjectionType: ix.Projection, NonKeyAttributes: ix.NonKey},
			IndexSizeBytes: t.IndexBytes[ix.Name],
			ItemCount:      t.IndexItems[ix.Name],
			IndexArn:       arn.Table(t.Name) + "/index/" + ix.Name,
		}
		if ix.Local {
			d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, id)
			continue
		}
		id.IndexStatus = status
		if status == statusDeleting {
			id.IndexStatus = statusActive // an index is not DELETING with its table
		}
		tp := m.IndexThroughput[ix.Name]
		id.ProvisionedThroughput = &throughputDesc{ReadCapacityUnits: tp.ReadCapacityUnits, WriteCapacityUnits: tp.WriteCapacityUnits}
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, id)
	}
	if t.StreamView != "" {
		d.StreamSpecification = &streamSpec{StreamEnabled: true, StreamViewType: t.StreamView}
	}
	if t.StreamLabel != "" {
		d.LatestStreamArn, d.LatestStreamLabel = StreamARN(t), t.StreamLabel
	}
	if m.TableClass != "" {
		d.TableClassSummary = &tableClassSummary{TableClass: m.TableClass}
	}
	if m.SSE != nil && m.SSE.Enabled != nil && *m.SSE.Enabled {
		key := m.SSE.KMSMasterKeyID
		if key == "" {
			key = "arn:aws:kms:" + arn.Region + ":" + arn.Account + ":key/aws/dynamodb"
		}
		d.SSEDescription = &sseDescription{Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: key}
	}
	return d
}

// notFoundTable is ResourceNotFoundException as DescribeTable and the
// control plane word it.
func notFoundTable(name string) *Error {
	return &Error{Code: CodeResourceNotFound, Message: msgNotFound + ": Table: " + name + " not found"}
}

// describeByName describes the table named name.
func (s *Service) describeByName(name string) (store.Table, error) {
	t, err := s.st.Describe(name)
	if err != nil {
		if e, ok := wire(err).(*Error); ok && e.Code == CodeResourceNotFound {
			return store.Table{}, notFoundTable(name)
		}
		return store.Table{}, err
	}
	return t, nil
}

// tableNameOf is a request's TableName, which may be the table's ARN.
func tableNameOf(name string) string {
	if rest, ok := cutTableARN(name); ok {
		return rest
	}
	return name
}

// cutTableARN is the table name of a table ARN of this region and
// account.
func cutTableARN(a string) (string, bool) {
	prefix := arn.Table("")
	if len(a) <= len(prefix) || a[:len(prefix)] != prefix {
		return "", false
	}
	return a[len(prefix):], true
}
