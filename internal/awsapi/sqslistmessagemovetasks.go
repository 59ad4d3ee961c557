package awsapi

import (
	"net/http"
	"net/url"

	"github.com/verge-edge/verge/internal/sqs"
)

type listMovesIn struct {
	SourceArn  string
	MaxResults *int
}

func (in *listMovesIn) fromForm(f url.Values) {
	in.SourceArn, in.MaxResults = f.Get("SourceArn"), formInt(f, "MaxResults")
}

type moveTaskOut struct {
	TaskHandle                        string `json:"TaskHandle,omitempty" xml:"TaskHandle,omitempty"`
	Status                            string `json:"Status" xml:"Status"`
	SourceArn                         string `json:"SourceArn" xml:"SourceArn"`
	DestinationArn                    string `json:"DestinationArn,omitempty" xml:"DestinationArn,omitempty"`
	MaxNumberOfMessagesPerSecond      int    `json:"MaxNumberOfMessagesPerSecond,omitempty" xml:"MaxNumberOfMessagesPerSecond,omitempty"`
	ApproximateNumberOfMessagesMoved  int64  `json:"ApproximateNumberOfMessagesMoved" xml:"ApproximateNumberOfMessagesMoved"`
	ApproximateNumberOfMessagesToMove int64  `json:"ApproximateNumberOfMessagesToMove" xml:"ApproximateNumberOfMessagesToMove"`
	FailureReason                     string `json:"FailureReason,omitempty" xml:"FailureReason,omitempty"`
	StartedTimestamp                  int64  `json:"StartedTimestamp" xml:"StartedTimestamp"`
}

type listMovesOut struct {
	Results []moveTaskOut `json:"Results" xml:"ListMessageMoveTasksResultEntry"`
}

// listMessageMoveTasks serves ListMessageMoveTasks.
func (a *sqsAPI) listMessageMoveTasks(w http.ResponseWriter, r *http.Request) error {
	var in listMovesIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	if in.SourceArn == "" {
		return missing("SourceArn")
	}
	max := 1
	if in.MaxResults != nil {
		max = *in.MaxResults
		if max == 0 {
			max = -1
		}
	}
	tasks, err := a.q().ListMoveTasks(in.SourceArn, max)
	if err != nil {
		return err
	}
	out := listMovesOut{Results: []moveTaskOut{}}
	for _, t := range tasks {
		o := moveTaskOut{Status: t.Status, SourceArn: t.Source, DestinationArn: t.Destination, MaxNumberOfMessagesPerSecond: t.Rate,
			ApproximateNumberOfMessagesMoved: t.Moved, ApproximateNumberOfMessagesToMove: t.ToMove, FailureReason: t.FailureReason, StartedTimestamp: t.Started}
		if t.Status == sqs.TaskRunning {
			o.TaskHandle = t.Handle // only a running task's handle is shown
		}
		out.Results = append(out.Results, o)
	}
	return a.write(w, r, "ListMessageMoveTasks", out)
}
