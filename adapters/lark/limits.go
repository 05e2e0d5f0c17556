package lark

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pipbot/pipbot/adapters/pace"
)

// Rate is one token bucket: Burst calls at once, then PerSecond.
type Rate = pace.Rate

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

// buckets are the keys a call must pass, in the order they are taken: the
// recipient's or message's first, the app's per-second bucket last, so the
// call follows its last grant at once.
func (s *Sender) buckets(api, scope string) []pace.Bucket {
	var bs []pace.Bucket
	switch {
	case scope == "":
	case api == apiPatch:
		bs = append(bs, pace.Bucket{Key: "lark:msg:" + scope, Rate: s.limits.PatchPerMsg})
	default:
		bs = append(bs, pace.Bucket{Key: "lark:" + scope, Rate: s.limits.Recipient})
	}
	app := "lark:app:" + s.appID + ":" + api
	return append(bs, pace.Bucket{Key: app + ":m", Rate: s.limits.AppPerMinute},
		pace.Bucket{Key: app + ":s", Rate: s.limits.AppPerSecond})
}

// call runs one Open API request: it waits for its buckets, calls do with
// a per-attempt timeout, and repeats the same request (the same uuid) after
// a rate limit or a transport failure, up to s.attempts times. Terminal
// answers are returned at once.
func (s *Sender) call(ctx context.Context, op string, bs []pace.Bucket, do func(context.Context) (result, error)) error {
	var last error
	for attempt := 1; attempt <= s.attempts; attempt++ {
		if err := s.pacer.Acquire(ctx, bs); err != nil {
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
			if err := pace.Sleep(ctx, wait); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
		}
	}
	return fmt.Errorf("%s: gave up after %d attempts: %w", op, s.attempts, last)
}

// backoff is the pause before retrying a transport failure: 100 ms
// doubling, at most 2 s, with jitter so replicas do not retry in step.
func backoff(attempt int) time.Duration {
	return pace.Backoff(attempt, 100*time.Millisecond, 2*time.Second)
}

// discard is the logger used when none is given.
var discard = slog.New(slog.DiscardHandler)
