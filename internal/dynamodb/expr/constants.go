package expr

// Limits of expressions.
const (
	maxExpressionSize = 4096 // bytes of one expression
	maxInOperands     = 100  // right-hand operands of IN
	maxPathDepth      = 32   // elements of one document path
)

// Error codes this package returns.
const (
	CodeValidation = "ValidationException"
)

// Fields name the request parameter an expression came from; AWS's
// messages start with "Invalid <field>: ".
const (
	FieldCondition    = "ConditionExpression"
	FieldFilter       = "FilterExpression"
	FieldKeyCondition = "KeyConditionExpression"
	FieldProjection   = "ProjectionExpression"
	FieldUpdate       = "UpdateExpression"
)

// anyType is how AWS names the type of an operand that could be any.
const anyType = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"

// Functions.
const (
	fnAttributeExists    = "attribute_exists"
	fnAttributeNotExists = "attribute_not_exists"
	fnAttributeType      = "attribute_type"
	fnBeginsWith         = "begins_with"
	fnContains           = "contains"
	fnSize               = "size"
	fnIfNotExists        = "if_not_exists"
	fnListAppend         = "list_append"
)

// AWS's messages, word for word; the %s/%d fill in as AWS's do.
const (
	msgSyntax            = "Syntax error; token: %q, near: %q"
	msgEmpty             = "The expression can not be empty;"
	msgTooLong           = "Expression size has exceeded the maximum allowed size; expression size: %d"
	msgReserved          = "Attribute name is a reserved keyword; reserved keyword: %s"
	msgUndefinedName     = "An expression attribute name used in the document path is not defined; attribute name: %s"
	msgUndefinedValue    = "An expression attribute value used in expression is not defined; attribute value: %s"
	msgUnusedNames       = "Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}"
	msgUnusedValues      = "Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}"
	msgEmptyNames        = "ExpressionAttributeNames must not be empty"
	msgEmptyValues       = "ExpressionAttributeValues must not be empty"
	msgBadNameKey        = "ExpressionAttributeNames contains invalid key: Syntax error; key: %q"
	msgBadValue          = "ExpressionAttributeValues contains invalid value: %s for key %s"
	msgBadValueKey       = "ExpressionAttributeValues contains invalid key: Syntax error; key: %q"
	msgRedundantParens   = "The expression has redundant parentheses;"
	msgUnknownFunction   = "Invalid function name; function: %s"
	msgFunctionMisused   = "The function is not allowed to be used this way in an expression; function: %s"
	msgOperandCount      = "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d"
	msgNeedsPath         = "Operator or function requires a document path; operator or function: %s"
	msgOperandType       = "Incorrect operand type for operator or function; operator or function: %s, operand type: %s"
	msgUpdateOperandType = "Incorrect operand type for operator or function; operator: %s, operand type: %s"
	msgAttributeType     = "Invalid attribute type name found; type: %s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
	msgNotDistinct       = "The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s"
	msgBetweenTypes      = "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {%s}, upper bound operand: AttributeValue: {%s}"
	msgTooManyIn         = "The IN operator is provided with too many operands; number of operands: %d"
	msgBetweenBounds     = "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {%s}, upper bound operand: AttributeValue: {%s}"
	msgPathTooDeep       = "The document path has too many nesting levels; nesting levels: %d"
	msgClauseTwice       = "The %q section can only be used once in an update expression;"
	msgOverlap           = "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s"
	msgConflict          = "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s"

	msgKeyOperator        = "Invalid operator used in KeyConditionExpression: %s"
	msgKeyFirstOperand    = "Invalid condition in KeyConditionExpression: %s operator must have the key attribute as its first operand"
	msgKeyNestedOperation = "KeyConditionExpressions cannot contain nested operations"
	msgKeyNested          = "KeyConditionExpressions cannot have conditions on nested attributes"
	msgKeyTwoNames        = "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
	msgKeyNoName          = "Invalid condition in KeyConditionExpression: No key attribute specified"
	msgKeyOnePerKey       = "KeyConditionExpressions must only contain one condition per key"
	msgKeyMissed          = "Query condition missed key schema element: %s"
	msgKeyNotSupported    = "Query key condition not supported"

	msgInvalidUpdatePath = "The document path provided in the update expression is invalid for update"
	msgUpdateType        = "An operand in the update expression has an incorrect data type"
	msgMissingOperand    = "The provided expression refers to an attribute that does not exist in the item"
)

// Legacy parameters' messages.
const (
	msgLegacyPrefix        = "One or more parameter values were invalid: "
	msgArgCount            = msgLegacyPrefix + "Invalid number of argument(s) for the %s ComparisonOperator"
	msgOperatorType        = msgLegacyPrefix + "ComparisonOperator %s is not valid for %s AttributeValue type"
	msgUnknownOperator     = msgLegacyPrefix + "Unsupported ComparisonOperator: %s"
	msgValueWithNotExists  = msgLegacyPrefix + "Value cannot be used when Exists is false for Attribute: %s"
	msgValueNeeded         = msgLegacyPrefix + "Value must be provided when Exists is true for Attribute: %s"
	msgValueNeededNull     = msgLegacyPrefix + "Value must be provided when Exists is null for Attribute: %s"
	msgExistsAndOperator   = msgLegacyPrefix + "Exists and ComparisonOperator cannot be used together for Attribute: %s"
	msgValueAndList        = msgLegacyPrefix + "Value and AttributeValueList cannot be used together for Attribute: %s"
	msgTypeMismatch        = "Type mismatch for attribute to update"
	msgKeyArgCount         = "The attempted filter operation is not supported for the provided filter argument count"
	msgValueListNoOperator = msgLegacyPrefix + "AttributeValueList can only be used with a ComparisonOperator for Attribute: %s"
	msgBadConditionalOp    = "1 validation error detected: Value '%s' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [AND, OR]"
	msgDuplicateName       = msgLegacyPrefix + "Duplicate value in attribute name: %s"
	msgNoValueAction       = msgLegacyPrefix + "Only DELETE action is allowed when no attribute value is specified"
	msgActionType          = msgLegacyPrefix + "%s action is not supported for the type %s"
	msgBadAction           = "1 validation error detected: Value '%s' at 'attributeUpdates.%s.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
	msgKeyConditionsCount  = "Conditions can be of length 1 or 2 only"
	msgNotIndexable        = "Attempted conditional constraint is not an indexable operation"
)
