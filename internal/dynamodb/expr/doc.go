// Package expr is DynamoDB's expression language: the condition
// (ConditionExpression, FilterExpression), key condition, projection and
// update expressions, their #name and :value placeholders and reserved
// words, parsed with AWS's grammar into trees, checked with AWS's rules
// and messages, and evaluated over items (package attr): conditions to a
// truth value with DynamoDB's type rules, projections to a partial item,
// updates to a new item. Legacy (pre-expression) request parameters are
// translated into the same trees.
//
// One Params holds a request's ExpressionAttributeNames and
// ExpressionAttributeValues; every expression of the request is parsed
// through it, so Params.Unused can report, as AWS does, a placeholder no
// expression used. Parsing never reads an item, and evaluation never
// fails on a type mismatch where DynamoDB does not: a comparison between
// values of different types is false.
//
// Every tree prints back (String) to a canonical expression that parses
// to the same tree: one space between tokens, keywords in upper case,
// placeholders kept, parentheses only where precedence needs them.
//
// A request flows as: DecodeValues and NewParams; ParseCondition,
// ParseKeyCondition, ParseProjection, ParseUpdate for each expression
// present (or Expected, Filter, KeyConditions, AttributesToGet,
// AttributeUpdates for the legacy parameters); Params.Unused; then
// Node.Eval, KeyCondition.Resolve and Match, Project, Update.Apply over
// items, and Project with Update.Paths for ReturnValues UPDATED_OLD and
// UPDATED_NEW.
//
// Errors AWS reports while parsing come in an order of precedence
// (redundant parentheses before unknown functions before reserved words
// before undefined placeholders, and so on; update expressions have their
// own order): the parser records the first error of each category and
// returns the one AWS would.
package expr
