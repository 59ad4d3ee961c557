package dynamodb

// statementTarget is a PartiQL statement's verb (Select, Insert, Update
// or Delete) and table; false when it does not parse. An index read is
// granted on its table, as the statement names it.
func statementTarget(stmt string) (verb, table string, ok bool) {
	st, err := parseStatement(stmt)
	if err != nil {
		return "", "", false
	}
	return st.Verb, st.Table, true
}
