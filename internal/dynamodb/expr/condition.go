package expr

// ParseCondition parses a condition expression from field
// (FieldCondition or FieldFilter).
func (p *Params) ParseCondition(field, src string) (*Node, error) {
	var n *Node
	if err := p.run(field, src, modeCondition, func(ps *parser) { n = ps.condition() }); err != nil {
		return nil, err
	}
	return n, nil
}

// ParseProjection parses a ProjectionExpression: paths separated by
// commas, no two overlapping.
func (p *Params) ParseProjection(src string) ([]Path, error) {
	var paths []Path
	err := p.run(FieldProjection, src, modeProjection, func(ps *parser) {
		ps.paths = append(ps.paths, ps.projectionPath())
		for ps.isPunct(",") {
			ps.next()
			ps.paths = append(ps.paths, ps.projectionPath())
		}
		ps.checkOverlaps()
		paths = ps.paths
	})
	if err != nil {
		return nil, err
	}
	return paths, nil
}

func (ps *parser) projectionPath() Path {
	if t := ps.peek(); t.kind != tokIdent && t.kind != tokName {
		ps.syntaxError()
	}
	return ps.path()
}
