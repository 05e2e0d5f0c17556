package inbound

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Run claims recorded events and hands them to a pool of Tuning.Pool
// workers until ctx is done, then waits (at most Tuning.ShutdownWait) for
// the events in flight and the background work; what is still running then
// stays leased and is claimed again after its lease. It claims only as many
// as there are idle workers, so no claimed event waits out its lease in a
// queue.
func (p *Pipeline[O]) Run(ctx context.Context) {
	p.mu.Lock()
	p.jobs = make(chan bot.Delivery, p.tune.Pool)
	p.busy = make(chan struct{}, p.tune.Pool)
	p.mu.Unlock()
	hctx := context.WithoutCancel(ctx) // in-flight events finish after shutdown begins
	var wg sync.WaitGroup
	for range p.tune.Pool {
		wg.Go(func() {
			for d := range p.jobs {
				p.process(hctx, d)
				<-p.busy
				p.Wake()
			}
		})
	}
	t := time.NewTicker(p.tune.Poll)
	defer t.Stop()
	var lastErr time.Time
	for ctx.Err() == nil {
		full, err := p.claimBatch(ctx)
		if err != nil && ctx.Err() == nil && time.Since(lastErr) > 30*time.Second {
			lastErr = time.Now()
			p.log.ErrorContext(ctx, "claim events", "err", err)
		}
		if full && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-p.wake:
		case <-t.C:
		}
	}
	p.mu.Lock()
	p.closed = true
	close(p.jobs)
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { wg.Wait(); p.bg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(p.tune.ShutdownWait):
		p.log.Warn("shutdown with events still in flight; they will be claimed again")
	}
}

// claimBatch reserves the idle workers, then claims from each source in
// turn as many deliveries as it reserved, so that every claimed delivery
// has a worker (Record reserves workers too, meanwhile); full reports that
// every reserved worker got work and more may be waiting.
func (p *Pipeline[O]) claimBatch(ctx context.Context) (full bool, err error) {
	free := 0
	for free < p.tune.Pool && p.reserve() {
		free++
	}
	defer func() {
		for range free {
			p.unreserve()
		}
	}()
	if free == 0 {
		return false, nil // a worker that frees up wakes the loop
	}
	for _, src := range p.sources {
		if free == 0 {
			break
		}
		ds, err := p.inbox.Claim(ctx, src, p.owner, free, p.now(), p.tune.Lease)
		if err != nil {
			return false, fmt.Errorf("claim %s events: %w", src, err)
		}
		for _, d := range ds {
			p.hand(d)
			free--
		}
	}
	return free == 0, nil
}

// reserve takes an idle worker for a delivery about to be handed to it;
// false when none is idle or the worker stopped (the delivery is then left
// to its lease, and claimed again after it).
func (p *Pipeline[O]) reserve() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.busy == nil {
		return false
	}
	select {
	case p.busy <- struct{}{}:
		return true
	default:
		return false
	}
}

// unreserve gives back a reserved worker.
func (p *Pipeline[O]) unreserve() { <-p.busy }

// hand gives a reserved worker its delivery; after shutdown began, the
// delivery stays leased and is claimed again after its lease.
func (p *Pipeline[O]) hand(d bot.Delivery) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		<-p.busy
		return
	}
	p.jobs <- d
}

// process handles one claimed delivery from start to end: translate, run
// the engine, deliver the replies, finish. Replies that could not be
// delivered before are delivered again without running the engine.
func (p *Pipeline[O]) process(ctx context.Context, d bot.Delivery) {
	if pr := p.takePending(d.ID); pr != nil {
		p.complete(ctx, d, pr.origin, pr.replies, pr.attempts, pr.then)
		return
	}
	w, err := p.platform.Translate(ctx, d)
	if p.tryLater(ctx, d, err) {
		return // pending: translated again once its lease runs out
	}
	if err != nil {
		p.log.ErrorContext(ctx, "unreadable delivery, dropped", "tenant", d.Tenant, "source", d.Source, "err", err)
		p.Finish(ctx, d)
		return
	}
	if !w.Run {
		p.Finish(ctx, d)
		if w.Then != nil {
			w.Then(ctx)
		}
		return
	}
	replies, retry := p.runDelivery(ctx, d, w.Cmd)
	if retry {
		return // pending: claimed and run again once its lease runs out
	}
	if w.Prepare != nil {
		replies = w.Prepare(ctx, replies)
	}
	waitUntil(ctx, w.NotBefore, p.now)
	p.complete(ctx, d, w.Origin, replies, 0, w.Then)
}

// Complete delivers the replies left of an inline result (the caller
// answered the platform with the others) to r.Work.Origin and finishes the
// delivery, with the worker's retries, then runs r.Work.Then.
func (p *Pipeline[O]) Complete(ctx context.Context, r Result[O], replies []bot.Reply) {
	p.complete(ctx, r.D, r.Work.Origin, replies, 0, r.Work.Then)
}

// Finish marks d handled; if the lease was lost meanwhile, another worker
// may run it again, which the log says.
func (p *Pipeline[O]) Finish(ctx context.Context, d bot.Delivery) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := p.inbox.Finish(ctx, d.ID, p.owner); err != nil {
		p.log.WarnContext(ctx, "finish delivery", "tenant", d.Tenant, "err", err)
	}
}

// waitUntil sleeps until t on the clock now, or until ctx is done.
func waitUntil(ctx context.Context, t time.Time, now func() time.Time) {
	if t.IsZero() {
		return
	}
	d := t.Sub(now())
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}

// tryLater reports whether Translate's err asks to leave d pending for a
// later attempt (ErrTryLater, with attempts left), and logs it.
func (p *Pipeline[O]) tryLater(ctx context.Context, d bot.Delivery, err error) bool {
	if err == nil || !errors.Is(err, ErrTryLater) || p.LastAttempt(d) {
		return false
	}
	p.log.WarnContext(ctx, "delivery left for a later attempt", "tenant", d.Tenant, "source", d.Source,
		"delivery", d.ID, "attempt", d.Attempts, "err", err)
	return true
}

// LastAttempt reports whether d is on its last attempt: Translate should
// then do without what did not answer rather than ask for another.
func (p *Pipeline[O]) LastAttempt(d bot.Delivery) bool { return d.Attempts >= p.tune.MaxAttempts }
