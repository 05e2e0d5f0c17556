package slack

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Rate is one token bucket: Burst calls at once, then PerSecond. It lets
// through at most Burst + PerSecond×T calls in any span T.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Pace is how fast the Sender calls each Web API method, each a token
// bucket in the Limiter that every replica shares. Slack limits per
// method, workspace and app (PLATFORMS 2e).
type Pace struct {
	// Channel paces chat.postMessage in one channel. Slack allows about
	// one a second per channel with short bursts it does not guarantee.
	Channel Rate
	// Workspace paces chat.postMessage across the workspace. Slack keeps a
	// workspace-wide limit but does not publish it; this is a guess kept
	// low, and a 429 holds every post of this process for its Retry-After.
	Workspace Rate
	Ephemeral Rate // chat.postEphemeral, Tier 4 (100+/min)
	Update    Rate // chat.update, Tier 3 (50+/min)
	Open      Rate // conversations.open, Tier 3 (50+/min)
	History   Rate // conversations.history, Tier 3 (50+/min)
}

// DefaultPace stays under Slack's limits in every window, not just on
// average: 0.9 posts a second per channel and no burst (10% under the
// documented rate, so network jitter cannot bunch two posts into one
// second); 8 posts a second in the workspace after a burst of 8, at most
// 488 in any minute; 47 calls in any minute of a Tier 3 method, 95 of
// chat.postEphemeral.
func DefaultPace() Pace {
	return Pace{
		Channel:   Rate{PerSecond: 0.9, Burst: 1},
		Workspace: Rate{PerSecond: 8, Burst: 8},
		Ephemeral: Rate{PerSecond: 1.5, Burst: 5},
		Update:    Rate{PerSecond: 0.7, Burst: 5},
		Open:      Rate{PerSecond: 0.7, Burst: 5},
		History:   Rate{PerSecond: 0.7, Burst: 5},
	}
}

// Scale multiplies every rate by f, bursts unchanged, to match a fake
// whose limits are scaled the same way (slacktest.WithScale).
func (p Pace) Scale(f float64) Pace {
	s := func(r Rate) Rate { return Rate{PerSecond: r.PerSecond * f, Burst: r.Burst} }
	return Pace{Channel: s(p.Channel), Workspace: s(p.Workspace), Ephemeral: s(p.Ephemeral),
		Update: s(p.Update), Open: s(p.Open), History: s(p.History)}
}

// bucket is one Limiter key and its rate.
type bucket struct {
	key  string
	rate Rate
}

// postBuckets are the buckets of a chat.postMessage in channel: the
// channel's first, the workspace's last, so the call follows its last
// grant at once. The last bucket of every list is the one a 429 holds.
func (s *Sender) postBuckets(team, channel string) []bucket {
	return []bucket{
		{key: "slack:" + team + ":chan:" + channel, rate: s.pace.Channel},
		{key: "slack:" + team + ":post", rate: s.pace.Workspace},
	}
}

// methodBucket is the bucket of another method in the workspace.
func (s *Sender) methodBucket(team, method string, r Rate) []bucket {
	return []bucket{{key: "slack:" + team + ":api:" + method, rate: r}}
}

// acquire waits out any hold on the buckets, then takes a token from each,
// waiting as long as the Limiter says. If the Limiter itself fails (Redis
// down), sending goes on: Slack's 429s still pace it, and a dead Redis
// must not stop delivery.
func (s *Sender) acquire(ctx context.Context, bs []bucket) error {
	for _, b := range bs {
		if err := waitFor(ctx, s.holds.left(b.key)); err != nil {
			return err
		}
	}
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
		if err := waitFor(ctx, max(wait, time.Millisecond)); err != nil {
			return err
		}
	}
}

// holds are the buckets this process must not use until a time, after
// Slack answered 429: nobody here calls again before Retry-After.
type holds struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// hold keeps key unused for d.
func (h *holds) hold(key string, d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.until == nil {
		h.until = map[string]time.Time{}
	}
	if t := time.Now().Add(d); t.After(h.until[key]) {
		h.until[key] = t
	}
}

// left is how long key is still held.
func (h *holds) left(key string) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := time.Until(h.until[key])
	if d <= 0 {
		delete(h.until, key)
		return 0
	}
	return d
}

// bucketGates queue this process's callers per bucket key.
type bucketGates struct {
	mu sync.Mutex
	m  map[string]*bucketGate
}

type bucketGate struct {
	slot  chan struct{}
	users int
}

// enter waits for key's gate; leave opens it for the next caller.
func (g *bucketGates) enter(ctx context.Context, key string) (leave func(), err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*bucketGate{}
	}
	gt := g.m[key]
	if gt == nil {
		gt = &bucketGate{slot: make(chan struct{}, 1)}
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
func (g *bucketGates) release(key string, gt *bucketGate) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if gt.users--; gt.users == 0 {
		delete(g.m, key)
	}
}

// waitFor waits d or until ctx ends.
func waitFor(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryPause is the pause before retrying an unknown outcome: 200 ms
// doubling, at most 3 s, with jitter so replicas do not retry in step.
func retryPause(attempt int) time.Duration {
	d := min(200*time.Millisecond<<(attempt-1), 3*time.Second)
	return d + rand.N(d/2+1)
}
