package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// pendingReplies are an event's replies that the engine produced but that
// could not be delivered: when the delivery's lease runs out and this
// process claims it again, they are delivered again (the sender's sent
// markers keep that from posting twice) instead of running the engine a
// second time.
type pendingReplies struct {
	origin   Origin
	replies  []bot.Reply
	attempts int
	since    time.Time
}

// pendingTTL bounds how long undelivered replies are kept for a retry; a
// delivery another replica took over never comes back here.
const pendingTTL = time.Hour

// runWorker claims recorded events and hands them to a small pool until ctx
// is done, then waits (bounded) for the events in flight. It claims only as
// many as there are idle hands, so no claimed event waits out its lease in
// a queue.
func (a *Adapter) runWorker(ctx context.Context) {
	hctx := context.WithoutCancel(ctx) // in-flight events finish after shutdown begins
	var wg sync.WaitGroup
	for range a.tune.pool {
		wg.Go(func() {
			for d := range a.jobs {
				a.handle(hctx, d)
				<-a.busy
				a.signal()
			}
		})
	}
	t := time.NewTicker(a.tune.poll)
	defer t.Stop()
	var lastErr time.Time
	for ctx.Err() == nil {
		full, err := a.claimBatch(ctx)
		if err != nil && ctx.Err() == nil && time.Since(lastErr) > 30*time.Second {
			lastErr = time.Now()
			a.log.ErrorContext(ctx, "claim events", "err", err)
		}
		if full && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-a.wake:
		case <-t.C:
		}
	}
	a.mu.Lock()
	a.closed = true
	close(a.jobs)
	a.mu.Unlock()
	done := make(chan struct{})
	go func() { wg.Wait(); a.bg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(a.tune.shutdownWait):
		a.log.Warn("shutdown with events still in flight; they will be claimed again")
	}
}

// claimBatch claims events, then inline requests left to the worker, up to
// the idle hands; full reports that every hand got work and more may wait.
func (a *Adapter) claimBatch(ctx context.Context) (full bool, err error) {
	free := a.tune.pool - len(a.busy)
	if free <= 0 {
		return false, nil
	}
	ds, err := a.opts.Inbox.Claim(ctx, sourceEvents, a.owner, free, a.now(), a.tune.lease)
	if err != nil {
		return false, fmt.Errorf("claim events: %w", err)
	}
	if free -= len(ds); free > 0 {
		ui, err := a.claimUI(ctx, free)
		if err != nil {
			return false, err
		}
		ds = append(ds, ui...)
		free -= len(ui)
	}
	for _, d := range ds {
		a.enqueue(d)
	}
	return free <= 0, nil
}

// enqueue hands a claimed delivery to the pool; when no hand is idle (or the
// worker stopped) it is left to its lease, and claimed again after it.
func (a *Adapter) enqueue(d bot.Delivery) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	select {
	case a.busy <- struct{}{}:
		a.jobs <- d
	default:
	}
}

// handle runs one claimed delivery: translate, engine, deliver, finish.
func (a *Adapter) handle(ctx context.Context, d bot.Delivery) {
	if p := a.takePending(d.ID); p != nil {
		a.complete(ctx, d, p.origin, p.replies, p.attempts)
		return
	}
	if d.Source == sourceUI {
		a.settle(ctx, a.handleUI(ctx, d))
		return
	}
	env, err := parseEnvelope(d.Payload)
	if err == nil {
		// accept refuses other workspaces' events; a row recorded before it
		// did is dropped here, never run.
		if ok, ierr := a.installed(ctx, env.TeamID); ierr == nil && !ok {
			a.log.WarnContext(ctx, "delivery of another workspace dropped", "team_id", env.TeamID, "event_id", env.EventID)
			a.finish(ctx, d)
			return
		}
	}
	if err == nil && env.Event.Type == eventHomeOpen {
		a.refreshHome(ctx, env.TeamID, env.Event.User)
		a.finish(ctx, d)
		return
	}
	cmd, o, ok, err := a.messageCommand(ctx, d.Payload)
	if err != nil {
		a.log.ErrorContext(ctx, "unreadable delivery, dropped", "tenant", d.Tenant, "err", err)
	}
	if err != nil || !ok {
		a.finish(ctx, d)
		return
	}
	a.complete(ctx, d, o, a.run(ctx, cmd), 0)
}

// run calls the engine with the per-event deadline. Its error is only
// logged: the engine has already turned it into a polite reply.
func (a *Adapter) run(ctx context.Context, cmd bot.Command) []bot.Reply {
	ctx, cancel := context.WithTimeout(ctx, a.tune.engine)
	defer cancel()
	replies, err := a.opts.Engine.Handle(ctx, cmd)
	if err != nil {
		a.log.ErrorContext(ctx, "handle command", "tenant", cmd.Tenant, "user_id", cmd.Actor.ID,
			"event_id", cmd.EventID, "err", err)
	}
	return replies
}

// complete delivers replies and marks the delivery handled. A temporary
// failure keeps the replies for a retry after the lease, up to
// tune.maxAttempts deliveries; a refusal is not retried.
func (a *Adapter) complete(ctx context.Context, d bot.Delivery, o Origin, replies []bot.Reply, attempts int) {
	if len(replies) > 0 {
		dctx, cancel := context.WithTimeout(ctx, a.tune.deliver)
		err := a.opts.Deliverer.Deliver(dctx, o, replies)
		cancel()
		if err != nil {
			attempts++
			if attempts < a.tune.maxAttempts && retryable(err) {
				a.log.WarnContext(ctx, "deliver replies, will retry", "tenant", d.Tenant,
					"user_id", o.UserID, "event_id", o.EventID, "attempt", attempts, "err", err)
				a.setPending(d.ID, &pendingReplies{origin: o, replies: replies, attempts: attempts})
				return
			}
			a.log.ErrorContext(ctx, "deliver replies, giving up", "tenant", d.Tenant,
				"user_id", o.UserID, "event_id", o.EventID, "err", err)
		}
	}
	a.finish(ctx, d)
}

// retryable reports whether a delivery error may pass by trying again: an
// error that says so (Temporary or Retryable, as *slack.RateLimitedError
// does) decides; anything else is tried again, up to tune.maxAttempts.
func retryable(err error) bool {
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return r.Retryable()
	}
	return true
}

// finish marks d handled; if the lease was lost meanwhile, another worker
// may run it again, which the log says.
func (a *Adapter) finish(ctx context.Context, d bot.Delivery) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.opts.Inbox.Finish(ctx, d.ID, a.owner); err != nil {
		a.log.WarnContext(ctx, "finish delivery", "tenant", d.Tenant, "err", err)
	}
}

func (a *Adapter) setPending(id int64, p *pendingReplies) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p.since = time.Now()
	for k, v := range a.pending {
		if time.Since(v.since) > pendingTTL {
			delete(a.pending, k)
		}
	}
	a.pending[id] = p
}

func (a *Adapter) takePending(id int64) *pendingReplies {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.pending[id]
	delete(a.pending, id)
	return p
}
