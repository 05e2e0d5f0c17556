// Package pace keeps outbound platform calls within the platforms' rate
// limits: token buckets shared by every replica (in Redis, behind the
// Limiter port), a gate per bucket so that this process's callers queue
// instead of all asking at every refill, holds after a platform's 429, and
// the jittered pause before a retry. Each adapter keeps only its table of
// buckets: which keys a call takes, at what rate.
package pace

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// Rate is one token bucket: Burst calls at once, then PerSecond. It lets
// through at most Burst + PerSecond×T calls in any span T.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Bucket is one Limiter key and its rate.
type Bucket struct {
	Key  string
	Rate Rate
}

// Limiter takes tokens from buckets shared by every replica
// (*storage.Redis). When refused, wait is how long until a token is due.
type Limiter interface {
	Allow(ctx context.Context, key string, rate float64, burst int) (ok bool, wait time.Duration, err error)
}

// Pacer makes calls wait for their buckets.
type Pacer struct {
	limiter Limiter // nil: no shared buckets, only holds
	log     *slog.Logger
	gates   gates
	holds   Holds
	unpaced atomic.Int64 // when the Limiter last failed (unix ms), to log that once a minute
	failed  atomic.Int64 // when the Limiter last failed (unix ms): see limiterPause
	now     func() time.Time
}

// limiterPause is how long calls go unpaced after the Limiter failed
// before it is asked again. A Redis that refuses connections fails each
// call only after its client's retries, nearly 2 s, which every call would
// otherwise wait out, for each of its buckets: a reply of three messages
// took over 10 s to deliver with Redis down.
const limiterPause = 5 * time.Second

// New builds a Pacer on limiter, which may be nil.
func New(limiter Limiter, log *slog.Logger) *Pacer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pacer{limiter: limiter, log: log, now: time.Now}
}

// Acquire waits out any hold on the buckets, then takes a token from each
// in order, waiting as long as the Limiter says. List a call's narrowest
// bucket first and the app's widest last, so the call follows its last
// grant at once. If the Limiter itself fails (Redis down), the call goes
// on unpaced: the platform's 429 answers still pace it, and a dead Redis
// must not stop delivery, nor slow it: for limiterPause after a failure,
// calls do not ask the Limiter.
func (p *Pacer) Acquire(ctx context.Context, bs []Bucket) error {
	for _, b := range bs {
		if err := Sleep(ctx, p.holds.Left(b.Key)); err != nil {
			return err
		}
	}
	for _, b := range bs {
		if p.limiter == nil || p.now().UnixMilli()-p.failed.Load() < limiterPause.Milliseconds() {
			return nil
		}
		if err := p.take(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// Hold keeps key unused by this process for d, after the platform
// answered 429 with a Retry-After of d.
func (p *Pacer) Hold(key string, d time.Duration) { p.holds.Hold(key, d) }

// take waits for one token of b. Callers of this process queue at the
// bucket's gate, so one at a time asks the Limiter and sleeps for as long
// as it says, instead of every waiter asking at every refill.
func (p *Pacer) take(ctx context.Context, b Bucket) error {
	leave, err := p.gates.enter(ctx, b.Key)
	if err != nil {
		return err
	}
	defer leave()
	for {
		ok, wait, err := p.limiter.Allow(ctx, b.Key, b.Rate.PerSecond, b.Rate.Burst)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			now := p.now().UnixMilli()
			p.failed.Store(now)
			if last := p.unpaced.Load(); now-last > time.Minute.Milliseconds() && p.unpaced.CompareAndSwap(last, now) {
				p.log.Warn("rate limiter unavailable, sending unpaced", "bucket", b.Key, "err", err)
			}
			return nil
		case ok:
			return nil
		}
		if err := Sleep(ctx, max(wait, time.Millisecond)); err != nil {
			return err
		}
	}
}

// Sleep waits d or until ctx ends; it returns ctx's error in that case.
func Sleep(ctx context.Context, d time.Duration) error {
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

// Backoff is the pause before retry number attempt (from 1): base
// doubling, at most ceiling, plus up to half again of jitter, so replicas
// do not retry in step.
func Backoff(attempt int, base, ceiling time.Duration) time.Duration {
	d := min(base<<(attempt-1), ceiling)
	return d + rand.N(d/2+1)
}
