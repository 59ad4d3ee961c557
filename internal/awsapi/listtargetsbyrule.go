package awsapi

import "net/http"

type target struct {
	ID               string            `json:"Id"`
	Arn              string            `json:"Arn"`
	Input            string            `json:"Input,omitempty"`
	InputPath        string            `json:"InputPath,omitempty"`
	InputTransformer *inputTransformer `json:"InputTransformer,omitempty"`
}

type inputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty"`
	InputTemplate string            `json:"InputTemplate"`
}

// listTargetsByRule is ListTargetsByRule: what a rule invokes (a stack
// rule has one target, its function), in pages.
func (ev *eventsAPI) listTargetsByRule(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Rule, EventBusName, NextToken string
		Limit                         int
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	_, rules := ev.plan()
	ru, err := findRule(rules, in.Rule, in.EventBusName)
	if err != nil {
		return err
	}
	all := []target{}
	for _, t := range ru.Targets {
		out := target{ID: t.ID, Arn: t.ARN, Input: t.Input, InputPath: t.InputPath}
		if tr := t.Transformer; tr != nil {
			out.InputTransformer = &inputTransformer{InputPathsMap: tr.PathsMap, InputTemplate: tr.Template}
		}
		all = append(all, out)
	}
	from, to, next, err := eventsPage(len(all), in.NextToken, in.Limit)
	if err != nil {
		return err
	}
	return writeJSON11(w, struct {
		Targets   []target `json:"Targets"`
		NextToken string   `json:"NextToken,omitempty"`
	}{all[from:to], next})
}
