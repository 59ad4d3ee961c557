package attr

// Limits DynamoDB applies to numbers and items.
const (
	// MaxDigits is the most significant digits a number may have.
	MaxDigits = 38
	// MaxExponent is the largest adjusted exponent (the power of ten of
	// the first significant digit) of a number.
	MaxExponent = 125
	// MinExponent is the smallest adjusted exponent of a non-zero number.
	MinExponent = -130
	// MaxItemSize is the largest item, in bytes as Size counts them.
	MaxItemSize = 400 * 1024
	// MaxPartitionKeySize and MaxSortKeySize bound a string or binary
	// key value, in bytes.
	MaxPartitionKeySize = 2048
	MaxSortKeySize      = 1024
)

// Error codes this package returns.
const (
	CodeValidation    = "ValidationException"
	CodeSerialization = "SerializationException"
)

// AWS's messages, word for word.
const (
	msgNotNumber     = "The parameter cannot be converted to a numeric value"
	msgOverflow      = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgUnderflow     = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgPrecision     = "Attempting to store more than 38 significant digits in a Number"
	msgEmptyValue    = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgTwoTypes      = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgNullFalse     = "One or more parameter values were invalid: Null attribute value types must have the value of true"
	msgEmptySS       = "One or more parameter values were invalid: An string set  may not be empty"
	msgEmptyNS       = "One or more parameter values were invalid: An number set  may not be empty"
	msgEmptyBS       = "One or more parameter values were invalid: Binary sets should not be empty"
	msgDuplicatesFmt = "One or more parameter values were invalid: Input collection %s contains duplicates."
	msgDuplicatesBS  = "One or more parameter values were invalid: Input collection %sof type BS contains duplicates."
	msgDuplicatesNS  = "Input collection contains duplicates"

	msgItemTooLarge     = "Item size has exceeded the maximum allowed size"
	msgKeyType          = "One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s"
	msgEmptyKey         = "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s"
	msgPartitionKeySize = "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"
	msgSortKeySize      = "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
)

// MsgUpdateTooLarge is AWS's message when UpdateItem would make an item
// larger than MaxItemSize.
const MsgUpdateTooLarge = "Item size to update has exceeded the maximum allowed size"

// Per-value overheads of DynamoDB's item size.
const (
	sizeOneByte   = 1 // BOOL and NULL
	sizeContainer = 3 // M and L, plus one byte per element
)
