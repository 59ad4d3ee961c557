package dynamodb

import (
	"encoding/json"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
)

// A Grant is an IAM action on resources that a request needs.
type Grant struct {
	Action    string
	Resources []string
}

// Grants are what a request needs to be allowed, as AWS authorizes
// DynamoDB: the operation's action on its table (an index's ARN for a
// Query or Scan of an index), every table of a batch, each item's own
// action in a transaction (there is no TransactWriteItems action),
// PartiQL's statement actions, and the stream of a Streams request (the
// one GetRecords' iterator names; ListStreams of a table on its streams,
// else on "*"). A
// request that cannot be read needs nothing: the operation refuses it
// before it touches a table.
func Grants(name string, streams bool, body []byte) []Grant {
	var in grantInput
	if json.Unmarshal(body, &in) != nil {
		return nil
	}
	action := "dynamodb:" + name
	switch {
	case streams && in.StreamArn != "":
		return []Grant{{Action: action, Resources: []string{in.StreamArn}}}
	case streams && in.ShardIterator != "":
		return []Grant{{Action: action, Resources: []string{iteratorStream(in.ShardIterator)}}}
	case streams && in.TableName != "":
		// ListStreams of one table: its streams.
		return []Grant{{Action: action, Resources: []string{tableARN(in.TableName) + "/stream/*"}}}
	case streams:
		return []Grant{{Action: action}}
	}
	switch name {
	case "BatchGetItem", "BatchWriteItem":
		g := Grant{Action: action}
		for table := range in.RequestItems {
			g.Resources = append(g.Resources, tableARN(table))
		}
		return []Grant{g}
	case "TransactWriteItems", "TransactGetItems":
		var out []Grant
		for _, it := range in.TransactItems {
			for kind, ref := range it {
				if a, ok := transactActions[kind]; ok {
					out = append(out, Grant{Action: a, Resources: []string{tableARN(ref.TableName)}})
				}
			}
		}
		return out
	case "ExecuteStatement":
		return statementGrants(in.Statement)
	case "BatchExecuteStatement", "ExecuteTransaction":
		var out []Grant
		for _, st := range append(in.Statements, in.TransactStatements...) {
			out = append(out, statementGrants(st.Statement)...)
		}
		return out
	case "TagResource", "UntagResource", "ListTagsOfResource":
		return []Grant{{Action: action, Resources: []string{in.ResourceArn}}}
	case "ListTables", "DescribeLimits", "DescribeEndpoints":
		return []Grant{{Action: action}}
	}
	res := tableARN(in.TableName)
	if in.IndexName != "" {
		res += "/index/" + in.IndexName
	}
	return []Grant{{Action: action, Resources: []string{res}}}
}

// grantInput is what Grants reads of any request.
type grantInput struct {
	TableName          string                                  `json:"TableName"`
	IndexName          string                                  `json:"IndexName"`
	ResourceArn        string                                  `json:"ResourceArn"`
	StreamArn          string                                  `json:"StreamArn"`
	ShardIterator      string                                  `json:"ShardIterator"`
	Statement          string                                  `json:"Statement"`
	RequestItems       map[string]json.RawMessage              `json:"RequestItems"`
	TransactItems      []map[string]struct{ TableName string } `json:"TransactItems"`
	Statements         []struct{ Statement string }            `json:"Statements"`
	TransactStatements []struct{ Statement string }            `json:"TransactStatements"`
}

// transactActions are the actions of a transaction's item kinds.
var transactActions = map[string]string{
	"Put":            "dynamodb:PutItem",
	"Update":         "dynamodb:UpdateItem",
	"Delete":         "dynamodb:DeleteItem",
	"ConditionCheck": "dynamodb:ConditionCheckItem",
	"Get":            "dynamodb:GetItem",
}

// tableARN is the ARN of the table a request names: by name, or by ARN
// (the API accepts both).
func tableARN(name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return arn.Table(name)
}

// statementGrants are the PartiQL action and table of a statement:
// dynamodb:PartiQLSelect, PartiQLInsert, PartiQLUpdate or PartiQLDelete.
// A statement that does not parse needs nothing (it is refused).
func statementGrants(stmt string) []Grant {
	verb, table, ok := statementTarget(stmt)
	if !ok {
		return nil
	}
	return []Grant{{Action: "dynamodb:PartiQL" + verb, Resources: []string{tableARN(table)}}}
}
