package pattern_test

import (
	"fmt"

	"github.com/verge-edge/verge/internal/triggers/pattern"
)

func Example() {
	p, err := pattern.Compile([]byte(`{
	  "source": ["aws.ec2"],
	  "detail": {"state": [{"anything-but": "initializing"}], "c-count": [{"numeric": [">", 0, "<=", 5]}]}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := pattern.Flatten([]byte(`{"source": "aws.ec2", "detail": {"state": "running", "c-count": 5}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.MatchEvent(e))
	fmt.Println(p.Match([]byte(`{"source": "aws.ec2", "detail": {"state": "initializing", "c-count": 5}}`)))

	_, err = pattern.Compile([]byte(`{"detail": {"total": [{"numeric": [">", 0, "<="]}]}}`))
	fmt.Println(err)
	// Output:
	// true
	// false
	// detail.total: numeric: expected [op, number] pairs
}
