package inbound

import (
	"context"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// A request the platform waits on (a Feishu card callback, a Slack slash
// command, click or modal submission) is answered inline, within the
// platform's 3 s, by the request that brought it. It is recorded first,
// leased to this process in the same write, so a replay has no effect, no
// worker here or on another replica takes it meanwhile, and a crash midway
// is recoverable: once the lease runs out a worker claims it and answers by
// message.

// Inline records d leased to the caller, who must answer it: see Answer.
// fresh is false for a replay, which must have no effect; an error means
// nothing was recorded, and the platform should see a failure.
func (p *Pipeline[O]) Inline(ctx context.Context, d *bot.Delivery) (fresh bool, err error) {
	defer p.observe(d, &fresh, &err)
	ctx, cancel := context.WithTimeout(ctx, p.tune.AckTimeout)
	defer cancel()
	fresh, err = p.inbox.PutLeased(ctx, d, p.owner, p.now().Add(p.tune.Lease))
	if err != nil {
		return false, fmt.Errorf("record inline %s request: %w", d.Source, err)
	}
	d.Attempts = 1
	return fresh, nil
}

// Result is an inline delivery translated and run by the engine.
type Result[O any] struct {
	D       bot.Delivery
	Work    Work[O]
	Replies []bot.Reply
}

// Answer translates the delivery d recorded by Inline and runs the engine,
// until deadline (on the real clock). In time, it returns the result, which
// the caller answers the platform with and completes (Complete, or its own
// delivery ending in Complete); ok is false then only for a payload that
// does not translate, already logged and finished. Late, it returns
// inTime false, and the pipeline completes the delivery when the engine
// answers, as the worker would: through Prepare and Deliver.
func (p *Pipeline[O]) Answer(ctx context.Context, d bot.Delivery, deadline time.Time) (r Result[O], ok, inTime bool) {
	ectx := context.WithoutCancel(ctx)
	done := make(chan answered[O], 1)
	p.Background(func() {
		w, err := p.platform.Translate(ectx, d)
		switch {
		case p.tryLater(ectx, d, err):
			done <- answered[O]{r: Result[O]{D: d}, retry: true}
		case err != nil:
			p.log.ErrorContext(ectx, "unreadable inline request", "tenant", d.Tenant, "source", d.Source, "err", err)
			done <- answered[O]{r: Result[O]{D: d}}
		case !w.Run:
			done <- answered[O]{r: Result[O]{D: d, Work: w}}
		default:
			replies, retry := p.runDelivery(ectx, d, w.Cmd)
			done <- answered[O]{r: Result[O]{D: d, Work: w, Replies: replies}, ok: true, retry: retry}
		}
	})
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case o := <-done:
		if o.retry {
			// The engine could not run it now: the caller answers "still
			// working" as if late, and a worker runs it again after the
			// lease, answering by message.
			return Result[O]{}, false, false
		}
		if !o.ok {
			p.Finish(ectx, d)
		}
		return o.r, o.ok, true
	case <-timer.C:
		p.Background(func() { p.settle(ectx, <-done) })
		return Result[O]{}, false, false
	}
}

// answered is how Answer's engine run ended; ok is false for a payload
// that did not translate or needs no engine; retry is true when the
// delivery must stay pending for a worker to run again.
type answered[O any] struct {
	r     Result[O]
	ok    bool
	retry bool
}

// settle completes an inline delivery nobody could answer in time.
func (p *Pipeline[O]) settle(ctx context.Context, o answered[O]) {
	if o.retry {
		return // left pending for a worker
	}
	if !o.ok {
		p.Finish(ctx, o.r.D)
		return
	}
	w, replies := o.r.Work, o.r.Replies
	if w.Prepare != nil {
		replies = w.Prepare(ctx, replies)
	}
	waitUntil(ctx, w.NotBefore, p.now)
	p.complete(ctx, o.r.D, w.Origin, replies, 0, w.Then)
}
