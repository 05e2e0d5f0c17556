package lark

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Rate is one token bucket: Burst calls at once, then PerSecond.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Limits are the rates the Sender keeps to, each a token bucket in the
// Limiter that every replica shares. A bucket lets through at most
// Burst + PerSecond×T calls in any span T, so each is set to stay below the
// platform's ceiling in every window, not just on average (PLATFORMS 1e).
type Limits struct {
	AppPerSecond Rate // per API and app; ceiling 50/s
	AppPerMinute Rate // per API and app; ceiling 1,000/min
	Recipient    Rate // messages to one user or one group chat; ceiling 5/s
	PatchPerMsg  Rate // patches of one message; ceiling 5/s
}

// DefaultLimits stay under Feishu's ceilings with a margin for network
// jitter: at most 45 calls in any second and 982 in any minute per API,
// 5 in any second per recipient or message. 1,000 cards take about 61 s
// against the ceiling's 60 s floor.
func DefaultLimits() Limits {
	return Limits{
		AppPerSecond: Rate{PerSecond: 40, Burst: 5},
		AppPerMinute: Rate{PerSecond: 16.2, Burst: 10},
		Recipient:    Rate{PerSecond: 4, Burst: 1},
		PatchPerMsg:  Rate{PerSecond: 4, Burst: 1},
	}
}

// Scale multiplies every rate and burst by f, to match a fake whose
// ceilings are scaled the same way.
func (l Limits) Scale(f float64) Limits {
	s := func(r Rate) Rate { return Rate{PerSecond: r.PerSecond * f, Burst: max(1, int(float64(r.Burst)*f))} }
	return Limits{AppPerSecond: s(l.AppPerSecond), AppPerMinute: s(l.AppPerMinute),
		Recipient: s(l.Recipient), PatchPerMsg: s(l.PatchPerMsg)}
}

// Open API names, which the platform limits separately.
const (
	apiCreate     = "create"
	apiPatch      = "patch"
	apiCardUpdate = "card_update"
)

// bucket is one Limiter key and its rate.
type bucket struct {
	key  string
	rate Rate
}

// buckets are the keys a call must pass, in the order they are taken: the
// recipient's or message's first, the app's per-second bucket last, so the
// call follows its last grant at once.
func (s *Sender) buckets(api, scope string) []bucket {
	var bs []bucket
	switch {
	case scope == "":
	case api == apiPatch:
		bs = append(bs, bucket{key: "lark:msg:" + scope, rate: s.limits.PatchPerMsg})
	default:
		bs = append(bs, bucket{key: "lark:" + scope, rate: s.limits.Recipient})
	}
	app := "lark:app:" + s.appID + ":" + api
	return append(bs, bucket{key: app + ":m", rate: s.limits.AppPerMinute},
		bucket{key: app + ":s", rate: s.limits.AppPerSecond})
}

// acquire takes a token from every bucket, waiting as long as each says.
// If the Limiter itself fails (Redis down), sending goes on: the platform's
// 429 answers still pace it, and a dead Redis must not stop delivery.
func (s *Sender) acquire(ctx context.Context, bs []bucket) error {
	if s.limiter == nil {
		return nil
	}
	for _, b := range bs {
		if err := s.take(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// take waits for one token of b. Callers of this process queue at the
// bucket's gate, so one at a time asks the Limiter and sleeps for as long
// as it says, instead of every waiter asking at every refill.
func (s *Sender) take(ctx context.Context, b bucket) error {
	leave, err := s.gates.enter(ctx, b.key)
	if err != nil {
		return err
	}
	defer leave()
	for {
		ok, wait, err := s.limiter.Allow(ctx, b.key, b.rate.PerSecond, b.rate.Burst)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			now := time.Now().UnixMilli()
			if last := s.unpaced.Load(); now-last > time.Minute.Milliseconds() && s.unpaced.CompareAndSwap(last, now) {
				s.log.Warn("rate limiter unavailable, sending unpaced", "bucket", b.key, "err", err)
			}
			return nil
		case ok:
			return nil
		}
		if err := sleep(ctx, max(wait, time.Millisecond)); err != nil {
			return err
		}
	}
}

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

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// call runs one Open API request: it waits for its buckets, calls do with
// a per-attempt timeout, and repeats the same request (the same uuid) after
// a rate limit or a transport failure, up to s.attempts times. Terminal
// answers are returned at once.
func (s *Sender) call(ctx context.Context, op string, bs []bucket, do func(context.Context) (result, error)) error {
	var last error
	for attempt := 1; attempt <= s.attempts; attempt++ {
		if err := s.acquire(ctx, bs); err != nil {
			return fmt.Errorf("%s: wait for rate limit: %w", op, err)
		}
		actx, cancel := context.WithTimeout(ctx, s.timeout)
		res, err := do(actx)
		cancel()
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, ctx.Err())
		}
		wait, err := judge(op, res, err, attempt)
		if err == nil {
			return nil
		}
		last = err
		if wait < 0 {
			return err
		}
		s.log.Warn("open api call will be retried", "op", op, "attempt", attempt, "wait", wait, "err", err)
		if attempt < s.attempts {
			if err := sleep(ctx, wait); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
		}
	}
	return fmt.Errorf("%s: gave up after %d attempts: %w", op, s.attempts, last)
}

// backoff is the pause before retrying a transport failure: 100 ms
// doubling, at most 2 s, with jitter so replicas do not retry in step.
func backoff(attempt int) time.Duration {
	d := min(100*time.Millisecond<<(attempt-1), 2*time.Second)
	return d + rand.N(d/2+1)
}

// discard is the logger used when none is given.
var discard = slog.New(slog.DiscardHandler)
