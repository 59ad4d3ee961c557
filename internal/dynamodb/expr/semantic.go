package expr

// A category classes a semantic error. AWS checks a whole expression and
// reports one error, chosen by category in an order that differs between
// condition and update expressions; within a category, the first found
// wins.
type category uint8

const (
	catParens category = iota
	catUnknownFunction
	catMisused
	catReserved
	catSection
	catName
	catValue
	catNameValue // the first of catName and catValue
	catOverlap
	catConflict
	catUpdateOperand
	catCount
	catDistinct
	catFunction
	catOther
	numCategories
)

// The orders in which AWS reports the categories.
var (
	conditionOrder = []category{catParens, catUnknownFunction, catMisused, catReserved, catNameValue, catCount, catDistinct, catFunction, catOther}
	updateOrder    = []category{catReserved, catUnknownFunction, catSection, catName, catValue, catOverlap, catConflict, catUpdateOperand, catCount, catFunction, catOther}
)

// fail records a semantic error of cat unless one of cat is kept.
func (ps *parser) fail(cat category, format string, args ...any) {
	if ps.errs[cat] == nil {
		ps.errs[cat] = invalidIn(ps.field, format, args...)
	}
	if (cat == catName || cat == catValue) && ps.errs[catNameValue] == nil {
		ps.errs[catNameValue] = ps.errs[cat]
	}
}

// semantic returns the error AWS would report, or nil.
func (ps *parser) semantic() *Error {
	for _, c := range ps.order {
		if ps.errs[c] != nil {
			return ps.errs[c]
		}
	}
	return nil
}
