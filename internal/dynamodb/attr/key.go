package attr

// CheckKey checks v, the value of key attribute name whose type in the
// key schema is want (S, N or B), as DynamoDB checks a primary or index
// key: the type matches, a string or binary is not empty, and the value
// fits the partition (2048 bytes) or sort (1024 bytes) key limit.
func CheckKey(name string, v Value, want Type, partition bool) error {
	if v.Type != want {
		return invalid(msgKeyType, name, want, v.Type)
	}
	size := len(v.S)
	switch v.Type {
	case S:
		if v.S == "" {
			return invalid(msgEmptyKey, "string", name)
		}
	case B:
		if len(v.B) == 0 {
			return invalid(msgEmptyKey, "binary", name)
		}
		size = len(v.B)
	case N:
		return nil
	}
	switch {
	case partition && size > MaxPartitionKeySize:
		return invalidMsg(msgPartitionKeySize)
	case !partition && size > MaxSortKeySize:
		return invalidMsg(msgSortKeySize)
	}
	return nil
}
