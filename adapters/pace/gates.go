package pace

import (
	"context"
	"sync"
	"time"
)

// gates queue this process's callers per bucket key.
type gates struct {
	mu sync.Mutex
	m  map[string]*gate
}

type gate struct {
	slot  chan struct{}
	users int
}

// enter waits for key's gate; leave opens it for the next caller.
func (g *gates) enter(ctx context.Context, key string) (leave func(), err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*gate{}
	}
	gt := g.m[key]
	if gt == nil {
		gt = &gate{slot: make(chan struct{}, 1)}
		g.m[key] = gt
	}
	gt.users++
	g.mu.Unlock()
	select {
	case gt.slot <- struct{}{}:
		return func() { <-gt.slot; g.release(key, gt) }, nil
	case <-ctx.Done():
		g.release(key, gt)
		return nil, ctx.Err()
	}
}

// release forgets a gate nobody waits at.
func (g *gates) release(key string, gt *gate) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if gt.users--; gt.users == 0 {
		delete(g.m, key)
	}
}

// Holds are the keys this process must not use until a time, after a
// platform answered 429: nobody here calls again before its Retry-After.
// The zero value is ready.
type Holds struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// Hold keeps key unused for d.
func (h *Holds) Hold(key string, d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.until == nil {
		h.until = map[string]time.Time{}
	}
	if t := time.Now().Add(d); t.After(h.until[key]) {
		h.until[key] = t
	}
}

// Left is how long key is still held.
func (h *Holds) Left(key string) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := time.Until(h.until[key])
	if d <= 0 {
		delete(h.until, key)
		return 0
	}
	return d
}
