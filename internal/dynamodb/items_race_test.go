package dynamodb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// racers is how many clients race on one item.
const racers = 8

// TestUpdateItemRace: racers clients each ADD 1 to one counter
// addsPerRacer times through the API; no increment is lost.
func TestUpdateItemRace(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, racers)
	for range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range addsPerRacer {
				_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: aws.String("tbl"), Key: key("counter"),
					UpdateExpression: aws.String("ADD n :one"), ExpressionAttributeValues: vals(":one", n("1"))})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got, want := get(t, e, "tbl", key("counter")), fmt.Sprintf(`{id:S"counter" n:N%d}`, racers*addsPerRacer); got != want {
		t.Fatalf("counter %s, want %s", got, want)
	}
}

// TestPutItemRace: racers clients put one item with
// attribute_not_exists, many rounds: each round has exactly one winner,
// and the others fail their condition.
func TestPutItemRace(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	for round := range 20 {
		id := fmt.Sprint("r", round)
		var wg sync.WaitGroup
		won := make(chan int, racers)
		errs := make(chan error, racers)
		for r := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("tbl"), Item: item(id, n(fmt.Sprint(r))),
					ConditionExpression: aws.String("attribute_not_exists(id)")})
				var ccf *types.ConditionalCheckFailedException
				switch {
				case err == nil:
					won <- r
				case !errors.As(err, &ccf):
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(won)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var winners []int
		for r := range won {
			winners = append(winners, r)
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: winners %v", round, winners)
		}
		if got, want := get(t, e, "tbl", key(id)), fmt.Sprintf(`{id:S"%s" v:N%d}`, id, winners[0]); got != want {
			t.Fatalf("round %d: item %s, want the winner's %s", round, got, want)
		}
	}
}
