package stack

import (
	"slices"
	"testing"
)

type edgeTriggersTest struct {
	name     string
	uses     []edgeUse
	want     []Trigger
	atViewer bool
	first    string // the key of the first viewer use; "" for none
}

var edgeTriggersTests = []edgeTriggersTest{
	{name: "none", uses: nil, want: nil},
	{
		name: "origin only, repeated",
		uses: []edgeUse{{OriginResponse, "onOriginResponse", pos{9, 1}}, {OriginRequest, "onOriginRequest", pos{3, 1}}, {OriginResponse, "onOriginResponse", pos{2, 1}}},
		want: []Trigger{OriginRequest, OriginResponse},
	},
	{
		name:     "viewer first by position, not by order of use",
		uses:     []edgeUse{{ViewerResponse, "onResponse", pos{20, 5}}, {OriginRequest, "onOriginRequest", pos{4, 1}}, {ViewerRequest, "onRequest", pos{20, 3}}},
		want:     []Trigger{ViewerRequest, OriginRequest, ViewerResponse},
		atViewer: true,
		first:    "onRequest",
	},
	{
		name:     "viewer response only",
		uses:     []edgeUse{{ViewerResponse, "onResponse", pos{7, 9}}},
		want:     []Trigger{ViewerResponse},
		atViewer: true,
		first:    "onResponse",
	},
}

// Triggers come out once each in firing order, and the viewer use named in
// messages is the one written first.
func TestEdgeTriggers(t *testing.T) {
	for _, tt := range edgeTriggersTests {
		t.Run(tt.name, func(t *testing.T) {
			got := triggersOf(tt.uses)
			if !slices.Equal(got, tt.want) {
				t.Errorf("triggersOf = %v, want %v", got, tt.want)
			}
			f := &EdgeLambdaFunction{Triggers: got}
			if f.AtViewer() != tt.atViewer {
				t.Errorf("AtViewer = %v, want %v", f.AtViewer(), tt.atViewer)
			}
			first := ""
			if u := firstViewerUse(tt.uses); u != nil {
				first = u.key
			}
			if first != tt.first {
				t.Errorf("firstViewerUse = %q, want %q", first, tt.first)
			}
		})
	}
}

type rangeTextTest struct {
	lo, hi int
	want   string
}

var rangeTextTests = []rangeTextTest{
	{128, 128, "128 MB"},
	{1, 5, "between 1 and 5 MB"},
}

func TestRangeText(t *testing.T) {
	for _, tt := range rangeTextTests {
		if got := rangeText(tt.lo, tt.hi, "MB"); got != tt.want {
			t.Errorf("rangeText(%d, %d) = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
}
