package engine

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/gateway"
	"github.com/verge-edge/verge/internal/stack"
)

// gatewayPart is the http-api-gateways and application-load-balancers,
// with the listeners of those that have a listen address of their own.
type gatewayPart struct {
	gw      *gateway.Server
	log     *slog.Logger
	errLog  *log.Logger
	metrics *edge.Metrics // counts the doors' failed Accepts
	// logged wraps a door's handler for the access log.
	logged func(name string, h http.Handler) http.Handler

	mu    sync.Mutex
	doors map[door]*doorServer // the live ones
	wg    sync.WaitGroup       // serving and shutting-down doors
}

// A door is a front door's own address.
type door struct{ name, addr string }

type doorServer struct {
	ln  net.Listener
	srv *http.Server
}

func (p *gatewayPart) Prepare(_ context.Context, plan *stack.Plan) (Change, error) {
	st, err := p.gw.Prepare(plan)
	if err != nil {
		return nil, err
	}
	opened, keep, err := p.openDoors(plan)
	if err != nil {
		return nil, err
	}
	return change{
		commit: func() { st.Commit(); p.swapDoors(opened, keep) },
		discard: func() {
			for _, d := range opened {
				d.ln.Close()
			}
		},
	}, nil
}

// openDoors listens on the plan's new listen addresses; keep are the live
// doors the plan still has.
func (p *gatewayPart) openDoors(plan *stack.Plan) (opened map[door]*doorServer, keep map[door]bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	opened, keep = map[door]*doorServer{}, map[door]bool{}
	for _, d := range planDoors(plan) {
		if p.doors[d] != nil {
			keep[d] = true
			continue
		}
		ln, err := net.Listen("tcp", d.addr)
		if err != nil {
			for _, o := range opened {
				o.ln.Close()
			}
			return nil, nil, fmt.Errorf("%s: listen %s: %w", d.name, d.addr, err)
		}
		srv := newServer(p.logged(d.name, p.gw.Handler(d.name)), p.errLog)
		opened[d] = &doorServer{ln: guard(srv, "door/"+d.name, ln, p.metrics), srv: srv}
	}
	return opened, keep, nil
}

// planDoors lists the listen addresses of a plan's front doors.
func planDoors(plan *stack.Plan) []door {
	var ds []door
	for _, g := range plan.HTTPAPIGateways {
		if g.Listen != "" {
			ds = append(ds, door{g.Name, g.Listen})
		}
	}
	for _, lb := range plan.LoadBalancers {
		if lb.Listen != "" {
			ds = append(ds, door{lb.Name, lb.Listen})
		}
	}
	return ds
}

// swapDoors serves the opened doors and shuts down those the plan dropped.
func (p *gatewayPart) swapDoors(opened map[door]*doorServer, keep map[door]bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.doors == nil {
		p.doors = map[door]*doorServer{}
	}
	for d, s := range p.doors {
		if !keep[d] {
			delete(p.doors, d)
			p.shutdown(s, 10*time.Second)
		}
	}
	for d, s := range opened {
		p.doors[d] = s
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
				p.log.Error("front door stopped", "name", d.name, "listen", d.addr, "err", err)
			}
		}()
	}
}

// shutdown stops a door gracefully in the background.
func (p *gatewayPart) shutdown(s *doorServer, within time.Duration) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), within)
		defer cancel()
		s.srv.Shutdown(ctx)
	}()
}

// Addrs lists the live doors' addresses by front door name.
func (p *gatewayPart) Addrs() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]string{}
	for d, s := range p.doors {
		out[d.name] = s.ln.Addr().String()
	}
	return out
}

// Close stops the doors, then waits for the invocations still running.
func (p *gatewayPart) Close(ctx context.Context) error {
	p.mu.Lock()
	for d, s := range p.doors {
		delete(p.doors, d)
		if err := s.srv.Shutdown(ctx); err != nil {
			s.srv.Close()
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
	return p.gw.Close(ctx)
}
