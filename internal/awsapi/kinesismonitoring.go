package awsapi

import (
	"net/http"
	"slices"

	"github.com/verge-edge/verge/internal/arn"
)

type monitoringIn struct {
	StreamName        string   `json:"StreamName"`
	StreamARN         string   `json:"StreamARN"`
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

type monitoringOut struct {
	StreamName               string   `json:"StreamName"`
	StreamARN                string   `json:"StreamARN"`
	CurrentShardLevelMetrics []string `json:"CurrentShardLevelMetrics"`
	DesiredShardLevelMetrics []string `json:"DesiredShardLevelMetrics"`
}

// monitor adds (enable) or removes metrics of a stream's enhanced
// monitoring and writes the before and after.
func (a *kinesisAPI) monitor(w http.ResponseWriter, r *http.Request, enable bool) error {
	var in monitoringIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	switch {
	case in.ShardLevelMetrics == nil:
		v.null("shardLevelMetrics")
	case len(in.ShardLevelMetrics) == 0:
		v.add("[]", "shardLevelMetrics", "Member must have length greater than or equal to 1")
	}
	for _, m := range in.ShardLevelMetrics {
		v.oneOf(m, "shardLevelMetrics", append(shardLevelMetrics, metricsAll)...)
	}
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if _, err := a.k().Describe(r.Context(), name, 1, ""); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	current := a.monitoring[name]
	desired := slices.Clone(current)
	for _, m := range in.ShardLevelMetrics {
		names := []string{m}
		if m == metricsAll {
			names = shardLevelMetrics
		}
		for _, n := range names {
			has := slices.Contains(desired, n)
			switch {
			case enable && !has:
				desired = append(desired, n)
			case !enable && has:
				desired = slices.DeleteFunc(desired, func(x string) bool { return x == n })
			}
		}
	}
	a.monitoring[name] = desired
	return writeOutput(w, r, monitoringOut{StreamName: name, StreamARN: arn.Stream(name),
		CurrentShardLevelMetrics: nonNil(current), DesiredShardLevelMetrics: nonNil(desired)})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
