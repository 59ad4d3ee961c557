package engine

import (
	"context"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/stack"
)

// tableConfig is a stack's table as the store takes it. Its stream is
// labelled from its name, so that the stream ARN the stack file resolves
// (arn.TableStream) is the one the service serves.
func tableConfig(t stack.Table) store.TableConfig {
	c := store.TableConfig{Name: t.Name, Key: keySchema(t.PartitionKey, t.SortKey), StreamView: t.StreamView,
		TTLAttribute: t.TTLAttribute, StreamLabel: arn.TableStreamLabel(t.Name)}
	for _, x := range t.GlobalIndexes {
		c.Indexes = append(c.Indexes, indexConfig(x, false))
	}
	for _, x := range t.LocalIndexes {
		c.Indexes = append(c.Indexes, indexConfig(x, true))
	}
	return c
}

func indexConfig(x stack.TableIndex, local bool) store.IndexConfig {
	return store.IndexConfig{Name: x.Name, Key: keySchema(x.PartitionKey, x.SortKey), Local: local,
		Projection: x.Projection, NonKey: x.NonKeyAttributes}
}

func keySchema(partition stack.KeyAttribute, sort *stack.KeyAttribute) store.KeySchema {
	k := store.KeySchema{Partition: store.Attr{Name: partition.Name, Type: partition.Type}}
	if sort != nil {
		k.Sort = store.Attr{Name: sort.Name, Type: sort.Type}
	}
	return k
}

// applyTables declares the plan's tables: created when absent, else
// brought to the stack's definition with their items kept. The tables an
// earlier plan declared and this one does not are deleted, as its
// streams are; tables made through the API are not. Like applyStreams it
// runs in a Commit and logs what fails.
func (ev *eventSide) applyTables(ctx context.Context, plan *stack.Plan) {
	svc := ev.tableService()
	if svc == nil {
		return
	}
	names := make([]string, 0, len(plan.Tables))
	for _, t := range plan.Tables {
		names = append(names, t.Name)
		if err := svc.Declare(ctx, tableConfig(t), t.Tags); err != nil {
			ev.logger.Error("declaring the stack's table", "table", t.Name, "err", err)
		}
	}
	deleted, err := svc.DeleteUndeclared(ctx, names)
	for _, n := range deleted {
		ev.logger.Info("deleted a table the stack no longer declares", "table", n)
	}
	if err != nil {
		ev.logger.Error("deleting the tables the stack no longer declares", "err", err)
	}
}

// tableService is the DynamoDB service, nil before the event side
// starts.
func (ev *eventSide) tableService() *dynamodb.Service {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.tables
}

// openTables is the DynamoDB API's backend: the table service, starting
// the event side when no plan has yet.
func (ev *eventSide) openTables(ctx context.Context) (*dynamodb.Service, error) {
	if err := ev.ensure(ctx); err != nil {
		return nil, err
	}
	svc := ev.tableService()
	if svc == nil {
		return nil, errEventSideClosed
	}
	return svc, nil
}
