package dynamodb

// statementTarget is a PartiQL statement's verb (Select, Insert, Update
// or Delete) and table; false when it does not parse.
// TODO(partiql): a stub until the PartiQL parser lands.
func statementTarget(stmt string) (verb, table string, ok bool) {
	return "", "", false
}
