package dynamodb

import (
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// A statement is a parsed PartiQL statement of the kinds DynamoDB runs:
// SELECT, INSERT, UPDATE and DELETE of one table (or, to SELECT, one
// index). Values stay unbound: ? are parameters, bound at execution.
type statement struct {
	Verb  string // Select, Insert, Update or Delete
	Table string
	Index string
	// Project are a SELECT's paths; nil for *.
	Project []expr.Path
	Where   *pnode
	// Value is an INSERT's item.
	Value *pnode
	// Set and Remove are an UPDATE's actions, in written order.
	Set    []assign
	Remove []expr.Path
	// Returning is UPDATE's or DELETE's RETURNING: "ALL OLD" and so on.
	Returning string
	// OrderBy is a SELECT's ORDER BY attribute; Desc its direction.
	OrderBy string
	Desc    bool
	// Exists marks EXISTS(SELECT ...), a transaction's condition check.
	Exists bool
	// Params counts the statement's ? parameters.
	Params int
}

// An assign is one SET of an UPDATE.
type assign struct {
	Path  expr.Path
	Value *pnode
}

// A pkind is the kind of a pnode.
type pkind uint8

const (
	pPath    pkind = iota + 1 // Path
	pLit                      // Lit: a string, number or boolean
	pNull                     // NULL
	pMissing                  // MISSING
	pParam                    // the Param-th ? (from 0)
	pList                     // [Args]
	pMap                      // {Keys[i]: Args[i]}
	pSet                      // <<Args>>
	pFunc                     // Op(Args)
	pArith                    // Args[0] Op Args[1], Op + or -
	pCompare                  // Args[0] Op Args[1]
	pBetween                  // Args[0] BETWEEN Args[1] AND Args[2]
	pIn                       // Args[0] IN Args[1:]
	pIs                       // Args[0] IS Op (MISSING, NULL, STRING, ...)
	pAnd
	pOr
	pNot
)

// A pnode is a node of a PartiQL expression.
type pnode struct {
	Kind  pkind
	Op    string
	Args  []*pnode
	Keys  []string
	Path  expr.Path
	Lit   litValue
	Param int
}

// A litValue is a scalar literal as written: its kind (tString, tNumber,
// or tWord for TRUE/FALSE) and text.
type litValue struct {
	Kind tokKind
	Text string
}

// keywords may not be bare attribute names (write them "quoted"):
// PartiQL reserves SQL-92's reserved words and its own.
var keywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`ABSOLUTE ACTION ADD ALL ALLOCATE ALTER AND ANY ARE AS ASC ASSERTION AT
		AUTHORIZATION AVG BAG BEGIN BETWEEN BIT BIT_LENGTH BY CAN_CAST CAN_LOSSLESS_CAST CASCADE
		CASCADED CASE CAST CATALOG CHAR CHARACTER CHARACTER_LENGTH CHAR_LENGTH CHECK CLOSE COALESCE
		COLLATE COLLATION COLUMN COMMIT CONFLICT CONNECT CONNECTION CONSTRAINT CONSTRAINTS CONTINUE
		CONVERT CORRESPONDING COUNT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP
		CURRENT_USER CURSOR DATE DATE_ADD DATE_DIFF DEALLOCATE DEC DECIMAL DECLARE DEFAULT DEFERRABLE
		DEFERRED DELETE DESC DESCRIBE DESCRIPTOR DIAGNOSTICS DISCONNECT DISTINCT DO DOMAIN DOUBLE DROP
		ELSE END END-EXEC ESCAPE EXCEPT EXCEPTION EXEC EXECUTE EXISTS EXTERNAL EXTRACT FALSE FETCH
		FIRST FLOAT FOR FOREIGN FOUND FROM FULL GET GLOBAL GO GOTO GRANT GROUP HAVING HOUR IDENTITY
		IMMEDIATE IN INDICATOR INITIALLY INNER INPUT INSENSITIVE INSERT INT INTEGER INTERSECT INTERVAL
		INTO IS ISOLATION JOIN KEY LANGUAGE LAST LEADING LEFT LET LEVEL LIKE LIMIT LIST LOCAL LOWER
		MATCH MAX MIN MINUTE MISSING MODULE MONTH NAMES NATIONAL NATURAL NCHAR NEXT NO NOT NOTHING
		NULL NULLIF NUMERIC OCTET_LENGTH OF OFFSET ON ONLY OPEN OPTION OR ORDER OUTER OUTPUT OVERLAPS
		PAD PARTIAL PIVOT POSITION PRECISION PREPARE PRESERVE PRIMARY PRIOR PRIVILEGES PROCEDURE
		PUBLIC READ REAL REFERENCES RELATIVE REMOVE RESTRICT RETURNING REVOKE RIGHT ROLLBACK ROWS
		SCHEMA SCROLL SECOND SECTION SELECT SESSION SESSION_USER SET SEXP SIZE SMALLINT SOME SPACE
		SQL SQLCODE SQLERROR SQLSTATE STRING STRUCT SUBSTRING SUM SYMBOL SYSTEM_USER TABLE TEMPORARY
		THEN TIME TIMESTAMP TIMEZONE_HOUR TIMEZONE_MINUTE TO TRAILING TRANSACTION TRANSLATE
		TRANSLATION TRIM TRUE TUPLE UNION UNIQUE UNKNOWN UNPIVOT UPDATE UPPER UPSERT USAGE USER
		USING VALUE VALUES VIEW WHEN WHENEVER WHERE WITH WORK WRITE YEAR ZONE`) {
		keywords[k] = true
	}
}

// isFunction reports whether name (lower case) is a function of
// DynamoDB's PartiQL, some of which are keywords (size).
func isFunction(name string) bool {
	_, cond := conditionFuncs[name]
	return cond || setFuncs[name] || name == "set_add" || name == "set_delete"
}

// msgMalformed is the prefix of every syntax error.
const msgMalformed = "Statement wasn't well formed, can't be processed: "

// malformed is a syntax error with AWS's prefix.
func malformed(detail string) *Error { return invalid("%s", msgMalformed+detail) }

// A parser reads one statement by recursive descent.
type parser struct {
	toks   []token
	i      int
	params int
}

// parseStatement parses one PartiQL statement (optionally ended by ;).
func parseStatement(src string) (*statement, error) {
	if strings.TrimSpace(src) == "" {
		return nil, malformed("Empty statement")
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	var st *statement
	switch w := strings.ToUpper(p.peek().text); {
	case p.peek().kind != tWord:
		return nil, malformed("Expected data manipulation")
	case w == "SELECT":
		st, err = p.selectStmt()
	case w == "INSERT":
		st, err = p.insertStmt()
	case w == "UPDATE":
		st, err = p.updateStmt()
	case w == "DELETE":
		st, err = p.deleteStmt()
	case w == "EXISTS":
		st, err = p.existsStmt()
	default:
		return nil, malformed("Expected data manipulation")
	}
	if err != nil {
		return nil, err
	}
	p.punct(";")
	if p.peek().kind != tEOF {
		return nil, p.unexpected()
	}
	st.Params = p.params
	return st, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// isKeyword reports whether the next token is keyword kw.
func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tWord && strings.EqualFold(t.text, kw)
}

// keyword consumes keyword kw if it is next.
func (p *parser) keyword(kw string) bool {
	if p.isKeyword(kw) {
		p.i++
		return true
	}
	return false
}

// expect consumes keywords kws, or fails.
func (p *parser) expect(kws ...string) error {
	for _, kw := range kws {
		if !p.keyword(kw) {
			return p.unexpected()
		}
	}
	return nil
}

// punct consumes punctuation s if it is next.
func (p *parser) punct(s string) bool {
	if t := p.peek(); t.kind == tPunct && t.text == s {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectPunct(s string) error {
	if !p.punct(s) {
		return p.unexpected()
	}
	return nil
}

// unexpected is the syntax error for the next token, worded as
// DynamoDB's PartiQL parser words it.
func (p *parser) unexpected() error {
	t := p.peek()
	switch {
	case t.kind == tEOF:
		return malformed("Unexpected end of statement")
	case t.kind == tWord && keywords[strings.ToUpper(t.text)]:
		return malformed("Unexpected keyword")
	}
	return malformed("Unexpected token")
}

func (p *parser) selectStmt() (*statement, error) {
	p.next()
	st := &statement{Verb: "Select"}
	if !p.punct("*") {
		for {
			path, err := p.path()
			if err != nil {
				return nil, err
			}
			st.Project = append(st.Project, path)
			if !p.punct(",") {
				break
			}
		}
		if p.punct("*") {
			return nil, invalid("Other attributes should not be present in the projection when '*' is used.")
		}
	} else if p.punct(",") {
		return nil, invalid("Other attributes should not be present in the projection when '*' is used.")
	}
	if err := p.expect("FROM"); err != nil {
		return nil, err
	}
	if err := p.source(st, true); err != nil {
		return nil, err
	}
	if err := p.where(st, false); err != nil {
		return nil, err
	}
	if p.keyword("ORDER") {
		if err := p.expect("BY"); err != nil {
			return nil, err
		}
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		st.OrderBy = name
		if !p.keyword("ASC") {
			st.Desc = p.keyword("DESC")
		}
	}
	return st, nil
}

// existsStmt reads EXISTS(SELECT ...).
func (p *parser) existsStmt() (*statement, error) {
	p.next()
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	if !p.isKeyword("SELECT") {
		return nil, p.unexpected()
	}
	st, err := p.selectStmt()
	if err != nil {
		return nil, err
	}
	st.Exists = true
	return st, p.expectPunct(")")
}

func (p *parser) insertStmt() (*statement, error) {
	p.next()
	st := &statement{Verb: "Insert"}
	if err := p.expect("INTO"); err != nil {
		return nil, err
	}
	if err := p.source(st, false); err != nil {
		return nil, err
	}
	if p.isKeyword("VALUES") || p.isKeyword("SELECT") {
		return nil, invalid(`Unsupported operation: Inserting multiple items in a single statement is not supported, use "INSERT INTO tableName VALUE item" instead`)
	}
	if err := p.expect("VALUE"); err != nil {
		return nil, err
	}
	v, err := p.operand()
	if err != nil {
		return nil, err
	}
	if v.Kind != pMap && v.Kind != pParam {
		return nil, invalid("Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.")
	}
	st.Value = v
	if p.isKeyword("RETURNING") {
		return nil, invalid("RETURNING is not supported in INSERT")
	}
	return st, nil
}

func (p *parser) updateStmt() (*statement, error) {
	p.next()
	st := &statement{Verb: "Update"}
	if err := p.source(st, false); err != nil {
		return nil, err
	}
	for {
		switch {
		case p.keyword("SET"):
			for {
				path, err := p.path()
				if err != nil {
					return nil, err
				}
				if err := p.expectPunct("="); err != nil {
					return nil, err
				}
				v, err := p.additive()
				if err != nil {
					return nil, err
				}
				st.Set = append(st.Set, assign{Path: path, Value: v})
				// SET a = 1, b = 2 and SET a = 1 SET b = 2 are one.
				if !p.punct(",") {
					break
				}
			}
		case p.keyword("REMOVE"):
			for {
				path, err := p.path()
				if err != nil {
					return nil, err
				}
				st.Remove = append(st.Remove, path)
				if !p.punct(",") {
					break
				}
			}
		default:
			if len(st.Set)+len(st.Remove) == 0 {
				return nil, p.unexpected()
			}
			if err := p.where(st, true); err != nil {
				return nil, err
			}
			return st, p.returning(st)
		}
	}
}

func (p *parser) deleteStmt() (*statement, error) {
	p.next()
	st := &statement{Verb: "Delete"}
	if err := p.expect("FROM"); err != nil {
		return nil, err
	}
	if err := p.source(st, false); err != nil {
		return nil, err
	}
	if err := p.where(st, true); err != nil {
		return nil, err
	}
	if err := p.returning(st); err != nil {
		return nil, err
	}
	if st.Returning != "" && st.Returning != "ALL OLD" {
		return nil, invalid("Invalid returning clause: RETURNING %s. Only RETURNING ALL OLD * is allowed in DELETE statements.", strings.ReplaceAll(st.Returning, " ", "_"))
	}
	return st, nil
}

// source reads FROM's table, or "table"."index" where index is allowed.
func (p *parser) source(st *statement, index bool) error {
	name, err := p.name()
	if err != nil {
		if p.peek().kind == tParam || p.peek().kind == tString || p.peek().kind == tPunct {
			return invalid("Unexpected from source")
		}
		return err
	}
	st.Table = name
	if p.punct(".") {
		if !index {
			return invalid("FROM clause may only contain a single table name in data manipulation statements")
		}
		if st.Index, err = p.name(); err != nil {
			return err
		}
		if p.peek().kind == tPunct && (p.peek().text == "." || p.peek().text == "[") {
			return invalid("A path may contain at most 2 components in the FROM clause")
		}
	}
	if p.punct(",") || p.isKeyword("JOIN") {
		return invalid("Only select from a single table or index is supported.")
	}
	if p.isKeyword("AS") || p.peek().kind == tQuoted || p.peek().kind == tWord && !keywords[strings.ToUpper(p.peek().text)] {
		return invalid("Aliasing is not supported")
	}
	return nil
}

// where reads an optional WHERE clause; a write needs one.
func (p *parser) where(st *statement, required bool) error {
	if !p.keyword("WHERE") {
		if required {
			return invalid("Where clause does not contain a mandatory equality on all key attributes")
		}
		return nil
	}
	w, err := p.or()
	if err != nil {
		return err
	}
	st.Where = w
	return nil
}

// returning reads RETURNING (ALL | MODIFIED) (OLD | NEW) *.
func (p *parser) returning(st *statement) error {
	if !p.keyword("RETURNING") {
		return nil
	}
	var which, age string
	switch {
	case p.keyword("ALL"):
		which = "ALL"
	case p.keyword("MODIFIED"):
		which = "MODIFIED"
	default:
		return p.unexpected()
	}
	switch {
	case p.keyword("OLD"):
		age = "OLD"
	case p.keyword("NEW"):
		age = "NEW"
	default:
		return p.unexpected()
	}
	if !p.punct("*") {
		return invalid("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause")
	}
	if p.punct(",") {
		return invalid("Invalid syntax with multiple returning elements in RETURNING clause")
	}
	st.Returning = which + " " + age
	return nil
}

// name reads an identifier: a bare word that is no keyword, or a quoted
// one.
func (p *parser) name() (string, error) {
	t := p.peek()
	switch {
	case t.kind == tQuoted:
		p.i++
		if t.text == "" {
			return "", invalid("Path component cannot be an empty string")
		}
		return t.text, nil
	case t.kind == tWord && !keywords[strings.ToUpper(t.text)]:
		p.i++
		return t.text, nil
	}
	return "", p.unexpected()
}

// path reads a document path: a name, then .name and [index] steps.
func (p *parser) path() (expr.Path, error) {
	if p.peek().kind == tPunct && p.peek().text == "[" {
		return nil, invalid("A path cannot start with a list index")
	}
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	path := expr.Path{{Name: name}}
	for {
		switch {
		case p.punct("."):
			if p.punct("*") {
				return nil, invalid("Unpivot path component like a.*.b are not supported")
			}
			n, err := p.name()
			if err != nil {
				return nil, err
			}
			path = append(path, expr.PathElem{Name: n})
		case p.punct("["):
			t := p.next()
			switch {
			case t.kind == tPunct && t.text == "*":
				return nil, invalid("Wildcard path component like a[*].b are not supported")
			case t.kind == tString:
				// a['k'] is a map key, as a.k.
				if err := p.expectPunct("]"); err != nil {
					return nil, err
				}
				path = append(path, expr.PathElem{Name: t.text})
				continue
			case t.kind != tNumber:
				p.i--
				return nil, p.unexpected()
			}
			n, err := strconv.Atoi(t.text)
			if err != nil || n < 0 {
				return nil, invalid("List index is not within the allowable range; index: [%s]", t.text)
			}
			if err := p.expectPunct("]"); err != nil {
				return nil, err
			}
			path = append(path, expr.PathElem{Index: n, IsIndex: true})
		default:
			return path, nil
		}
	}
}

// or, and, not and predicate read conditions by precedence.
func (p *parser) or() (*pnode, error) {
	l, err := p.and()
	for err == nil && p.keyword("OR") {
		var r *pnode
		if r, err = p.and(); err == nil {
			l = &pnode{Kind: pOr, Args: []*pnode{l, r}}
		}
	}
	return l, err
}

func (p *parser) and() (*pnode, error) {
	l, err := p.not()
	for err == nil && p.keyword("AND") {
		var r *pnode
		if r, err = p.not(); err == nil {
			l = &pnode{Kind: pAnd, Args: []*pnode{l, r}}
		}
	}
	return l, err
}

func (p *parser) not() (*pnode, error) {
	if p.keyword("NOT") {
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &pnode{Kind: pNot, Args: []*pnode{x}}, nil
	}
	return p.predicate()
}

// compareOps are the comparison operators; != is <>.
var compareOps = map[string]string{"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

func (p *parser) predicate() (*pnode, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tPunct && compareOps[t.text] != "" {
		p.i++
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &pnode{Kind: pCompare, Op: compareOps[t.text], Args: []*pnode{l, r}}, nil
	}
	negate := false
	if p.isKeyword("NOT") && p.i+1 < len(p.toks) {
		if n := strings.ToUpper(p.toks[p.i+1].text); p.toks[p.i+1].kind == tWord && (n == "IN" || n == "BETWEEN") {
			p.i++
			negate = true
		}
	}
	var n *pnode
	switch {
	case p.keyword("BETWEEN"):
		lo, err := p.additive()
		if err != nil {
			return nil, err
		}
		if err := p.expect("AND"); err != nil {
			return nil, err
		}
		hi, err := p.additive()
		if err != nil {
			return nil, err
		}
		n = &pnode{Kind: pBetween, Args: []*pnode{l, lo, hi}}
	case p.keyword("IN"):
		var list *pnode
		if p.punct("(") {
			list, err = p.elems(pList, ")")
		} else {
			list, err = p.operand()
		}
		if err != nil {
			return nil, err
		}
		if list.Kind != pList || len(list.Args) == 0 || l.Kind != pPath {
			return nil, invalid("IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member")
		}
		n = &pnode{Kind: pIn, Args: append([]*pnode{l}, list.Args...)}
	case p.keyword("IS"):
		neg := p.keyword("NOT")
		t := p.next()
		if t.kind != tWord {
			p.i--
			return nil, p.unexpected()
		}
		n = &pnode{Kind: pIs, Op: strings.ToUpper(t.text), Args: []*pnode{l}}
		if neg {
			n = &pnode{Kind: pNot, Args: []*pnode{n}}
		}
		return n, nil
	default:
		return l, nil
	}
	if negate {
		n = &pnode{Kind: pNot, Args: []*pnode{n}}
	}
	return n, nil
}

func (p *parser) additive() (*pnode, error) {
	l, err := p.operand()
	for err == nil && p.peek().kind == tPunct && (p.peek().text == "+" || p.peek().text == "-") {
		op := p.next().text
		var r *pnode
		if r, err = p.operand(); err == nil {
			l = &pnode{Kind: pArith, Op: op, Args: []*pnode{l, r}}
		}
	}
	return l, err
}

// operand reads a literal, a parameter, a path, a function call, or a
// parenthesised condition.
func (p *parser) operand() (*pnode, error) {
	t := p.peek()
	switch t.kind {
	case tString, tNumber:
		p.i++
		return &pnode{Kind: pLit, Lit: litValue{Kind: t.kind, Text: t.text}}, nil
	case tParam:
		p.i++
		p.params++
		return &pnode{Kind: pParam, Param: p.params - 1}, nil
	case tPunct:
		switch t.text {
		case "(":
			p.i++
			x, err := p.or()
			if err != nil {
				return nil, err
			}
			return x, p.expectPunct(")")
		case "[":
			p.i++
			return p.elems(pList, "]")
		case "<<":
			p.i++
			return p.elems(pSet, ">>")
		case "{":
			p.i++
			return p.mapLit()
		case "-":
			// A negative number literal.
			if p.i+1 < len(p.toks) && p.toks[p.i+1].kind == tNumber {
				p.i += 2
				return &pnode{Kind: pLit, Lit: litValue{Kind: tNumber, Text: "-" + p.toks[p.i-1].text}}, nil
			}
		}
	case tWord:
		switch strings.ToUpper(t.text) {
		case "TRUE", "FALSE":
			p.i++
			return &pnode{Kind: pLit, Lit: litValue{Kind: tWord, Text: strings.ToUpper(t.text)}}, nil
		case "NULL":
			p.i++
			return &pnode{Kind: pNull}, nil
		case "MISSING":
			p.i++
			return &pnode{Kind: pMissing}, nil
		}
		if p.i+1 < len(p.toks) && p.toks[p.i+1].kind == tPunct && p.toks[p.i+1].text == "(" &&
			(isFunction(strings.ToLower(t.text)) || !keywords[strings.ToUpper(t.text)]) {
			return p.call()
		}
	}
	if t.kind == tWord || t.kind == tQuoted {
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		return &pnode{Kind: pPath, Path: path}, nil
	}
	return nil, p.unexpected()
}

// call reads a function call; names are case-insensitive.
func (p *parser) call() (*pnode, error) {
	n := &pnode{Kind: pFunc, Op: strings.ToLower(p.next().text)}
	p.i++ // (
	if p.punct(")") {
		return n, nil
	}
	for {
		a, err := p.additive()
		if err != nil {
			return nil, err
		}
		n.Args = append(n.Args, a)
		if p.punct(")") {
			return n, nil
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
}

// elems reads the elements of a list or set up to end.
func (p *parser) elems(kind pkind, end string) (*pnode, error) {
	n := &pnode{Kind: kind}
	if p.punct(end) {
		return n, nil
	}
	for {
		v, err := p.additive()
		if err != nil {
			return nil, err
		}
		n.Args = append(n.Args, v)
		if p.punct(end) {
			return n, nil
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
}

// mapLit reads a map literal's 'key': value pairs up to }.
func (p *parser) mapLit() (*pnode, error) {
	n := &pnode{Kind: pMap}
	if p.punct("}") {
		return n, nil
	}
	for {
		k := p.next()
		if k.kind != tString {
			p.i--
			return nil, p.unexpected()
		}
		if err := p.expectPunct(":"); err != nil {
			return nil, err
		}
		v, err := p.additive()
		if err != nil {
			return nil, err
		}
		n.Keys = append(n.Keys, k.text)
		n.Args = append(n.Args, v)
		if p.punct("}") {
			return n, nil
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
}
