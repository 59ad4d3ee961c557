package dynamodb

import (
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// String prints a statement in a canonical form, one clause a line: the
// parser's golden files compare it.
func (st *statement) String() string {
	var b strings.Builder
	if st.Exists {
		b.WriteString("EXISTS ")
	}
	b.WriteString(strings.ToUpper(st.Verb))
	b.WriteString(" table=" + strconv.Quote(st.Table))
	if st.Index != "" {
		b.WriteString(" index=" + strconv.Quote(st.Index))
	}
	b.WriteString(" params=" + strconv.Itoa(st.Params) + "\n")
	if st.Verb == "Select" {
		b.WriteString("project: ")
		if st.Project == nil {
			b.WriteString("*")
		}
		for i, p := range st.Project {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pathString(p))
		}
		b.WriteString("\n")
	}
	if st.Value != nil {
		b.WriteString("value: " + st.Value.String() + "\n")
	}
	for _, a := range st.Set {
		b.WriteString("set: " + pathString(a.Path) + " = " + a.Value.String() + "\n")
	}
	for _, p := range st.Remove {
		b.WriteString("remove: " + pathString(p) + "\n")
	}
	if st.Where != nil {
		b.WriteString("where: " + st.Where.String() + "\n")
	}
	if st.OrderBy != "" {
		dir := "ASC"
		if st.Desc {
			dir = "DESC"
		}
		b.WriteString("order: " + st.OrderBy + " " + dir + "\n")
	}
	if st.Returning != "" {
		b.WriteString("returning: " + st.Returning + "\n")
	}
	return b.String()
}

// String prints a node fully parenthesised, so the tree's shape shows.
func (n *pnode) String() string {
	switch n.Kind {
	case pPath:
		return pathString(n.Path)
	case pLit:
		if n.Lit.Kind == tString {
			return quote(n.Lit.Text, '\'')
		}
		return n.Lit.Text
	case pNull:
		return "NULL"
	case pMissing:
		return "MISSING"
	case pParam:
		return "?"
	case pList:
		return "[" + joinNodes(n.Args) + "]"
	case pSet:
		return "<<" + joinNodes(n.Args) + ">>"
	case pMap:
		parts := make([]string, len(n.Args))
		for i, a := range n.Args {
			parts[i] = quote(n.Keys[i], '\'') + ": " + a.String()
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case pFunc:
		return n.Op + "(" + joinNodes(n.Args) + ")"
	case pArith, pCompare:
		return "(" + n.Args[0].String() + " " + n.Op + " " + n.Args[1].String() + ")"
	case pBetween:
		return "(" + n.Args[0].String() + " BETWEEN " + n.Args[1].String() + " AND " + n.Args[2].String() + ")"
	case pIn:
		return "(" + n.Args[0].String() + " IN [" + joinNodes(n.Args[1:]) + "])"
	case pIs:
		return "(" + n.Args[0].String() + " IS " + n.Op + ")"
	case pAnd:
		return "(" + n.Args[0].String() + " AND " + n.Args[1].String() + ")"
	case pOr:
		return "(" + n.Args[0].String() + " OR " + n.Args[1].String() + ")"
	case pNot:
		return "(NOT " + n.Args[0].String() + ")"
	}
	return "?"
}

func joinNodes(ns []*pnode) string {
	parts := make([]string, len(ns))
	for i, a := range ns {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}

// pathString prints a path as a statement writes it: names that are not
// plain words in double quotes.
func pathString(p expr.Path) string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteString("[" + strconv.Itoa(e.Index) + "]")
			continue
		case i > 0:
			b.WriteByte('.')
		}
		if plainWord(e.Name) {
			b.WriteString(e.Name)
		} else {
			b.WriteString(quote(e.Name, '"'))
		}
	}
	return b.String()
}

// plainWord reports whether s can be written bare.
func plainWord(s string) bool {
	return s != "" && isWordStart(s) && wordLen(s) == len(s) && !keywords[strings.ToUpper(s)]
}

// quote quotes s with q, doubling the q inside.
func quote(s string, q byte) string {
	return string(q) + strings.ReplaceAll(s, string(q), string(q)+string(q)) + string(q)
}
