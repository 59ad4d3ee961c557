package load

import (
	"context"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/verge-edge/verge/internal/engine"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/stack"
)

// Token is the admin token of the engines Start runs.
const Token = "bench-token"

// Start runs the stack in dir on a real engine (data under dir/.verge,
// listeners on loopback ports) with tap seeing the functions' output. It
// returns the engine, its plan, and the SDK config and endpoint of its AWS
// API with the admin's credentials.
func Start(dir string, tap functions.Tap) (*engine.Engine, *stack.Plan, aws.Config, *string, error) {
	plan, err := stack.Load(dir)
	if err != nil {
		return nil, nil, aws.Config{}, nil, err
	}
	e, err := engine.Open(engine.Options{Data: filepath.Join(dir, ".verge"), Token: Token, Tap: tap})
	if err != nil {
		return nil, nil, aws.Config{}, nil, err
	}
	if err := e.Listen("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		e.Close(context.Background())
		return nil, nil, aws.Config{}, nil, err
	}
	if _, err := e.Apply(context.Background(), plan); err != nil {
		e.Close(context.Background())
		return nil, nil, aws.Config{}, nil, err
	}
	_, admin := e.Addrs()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, Token, "")}
	return e, plan, cfg, aws.String("http://" + admin), nil
}
