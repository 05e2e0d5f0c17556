package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// A slash command, a click or a submission is answered inline, within
// Slack's 3 s, because only then can a modal open with its trigger_id or a
// submission's errors show in the modal. It is recorded first, so a replay
// has no effect and a crash mid-way is recoverable, and it is handled by
// whoever holds its inbox lease, exactly once: the inline handler records
// it and then claims inline deliveries itself; every claim in this process
// (the worker's too) goes through claimUI, which hands a delivery to the
// inline handler waiting for it. One claimed by another replica, or left
// over by a crashed process, is handled there or by the worker here, and
// its replies are delivered as messages.

// inline is how an inline request ended.
type inline int

const (
	inlineDone      inline = iota // the engine answered in time: result is set
	inlineDuplicate               // a replay: no effect
	inlineFailed                  // not recorded: Slack should see a failure
	inlineElsewhere               // another worker holds it and answers by message
	inlineLate                    // the engine is still working; the worker-side path delivers
)

// result is a handled inline delivery.
type result struct {
	d       bot.Delivery
	cmd     bot.Command
	o       Origin
	replies []bot.Reply
	home    bool // a click in the App Home, which is published again after it
	ok      bool // false: the payload did not translate (already logged)
}

// runInline records d, claims it, and runs the engine until start+budget.
// When the engine is late, its replies are delivered by message once it
// answers. The caller must finish or complete a done result.
func (a *Adapter) runInline(ctx context.Context, d *bot.Delivery, start time.Time) (result, inline) {
	own, err := a.putUI(ctx, d)
	switch {
	case err != nil:
		a.log.ErrorContext(ctx, "record inline request", "tenant", d.Tenant, "err", err)
		return result{}, inlineFailed
	case own == nil:
		a.log.InfoContext(ctx, "duplicate inline request", "tenant", d.Tenant)
		return result{}, inlineDuplicate
	}
	got, ok := a.claimOwn(ctx, d.ID, own)
	if !ok {
		return result{}, inlineElsewhere
	}
	ectx := context.WithoutCancel(ctx)
	done := make(chan result, 1)
	a.background(func() { done <- a.handleUI(ectx, got) })
	timer := time.NewTimer(time.Until(start.Add(a.tune.budget)))
	defer timer.Stop()
	select {
	case r := <-done:
		if !r.ok {
			a.finish(ectx, got)
		}
		return r, inlineDone
	case <-timer.C:
		a.background(func() { a.settle(ectx, <-done) })
		return result{}, inlineLate
	}
}

// handleUI translates a claimed inline delivery and runs the engine.
func (a *Adapter) handleUI(ctx context.Context, d bot.Delivery) result {
	req, ok, err := a.uiCommand(ctx, d.Payload)
	if err != nil {
		a.log.ErrorContext(ctx, "unreadable inline request", "tenant", d.Tenant, "err", err)
	}
	if err != nil || !ok {
		return result{d: d}
	}
	// The inbox row names the request in logs and keys its replies, so
	// the Sender posts none twice however often it is delivered.
	req.o.EventID = "ui-" + strconv.FormatInt(d.ID, 10)
	req.cmd.EventID = req.o.EventID
	return result{d: d, cmd: req.cmd, o: req.o, home: req.home, replies: a.run(ctx, req.cmd), ok: true}
}

// settle delivers a result nobody could answer inline: a form opens as a
// modal while the trigger lives, and everything else goes by message.
func (a *Adapter) settle(ctx context.Context, r result) {
	if !r.ok {
		a.finish(ctx, r.d)
		return
	}
	until := time.Now().Add(r.d.ReceivedAt.Add(a.tune.trigger).Sub(a.now()))
	a.deliverResult(ctx, r, until, false)
}

// putUI records an inline request and registers the caller as waiting for
// it, in the same critical section as the claims, so no claim here can miss
// it. own is nil when the request is a replay.
func (a *Adapter) putUI(ctx context.Context, d *bot.Delivery) (own chan bot.Delivery, err error) {
	ctx, cancel := context.WithTimeout(ctx, a.tune.ackTimeout)
	defer cancel()
	a.uiMu.Lock()
	defer a.uiMu.Unlock()
	fresh, err := a.opts.Inbox.Put(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("record inline request: %w", err)
	}
	if !fresh {
		return nil, nil
	}
	own = make(chan bot.Delivery, 1)
	a.waiters[d.ID] = own
	return own, nil
}

// claimOwn claims inline deliveries until the caller's own is among them;
// the others go to the worker. ok is false when another worker holds it.
func (a *Adapter) claimOwn(ctx context.Context, id int64, own chan bot.Delivery) (d bot.Delivery, ok bool) {
	ctx, cancel := context.WithTimeout(ctx, a.tune.ackTimeout)
	defer cancel()
	rest, err := a.claimUI(ctx, a.tune.uiBatch)
	if err != nil {
		a.log.ErrorContext(ctx, "claim inline request", "err", err)
	}
	for _, d := range rest {
		a.enqueue(d)
	}
	a.uiMu.Lock()
	defer a.uiMu.Unlock()
	delete(a.waiters, id)
	select {
	case d = <-own:
		return d, true
	default:
		return d, false
	}
}

// claimUI claims up to n inline deliveries, gives those an inline handler
// is waiting for to it, and returns the rest.
func (a *Adapter) claimUI(ctx context.Context, n int) ([]bot.Delivery, error) {
	a.uiMu.Lock()
	defer a.uiMu.Unlock()
	ds, err := a.opts.Inbox.Claim(ctx, sourceUI, a.owner, n, a.now(), a.tune.lease)
	if err != nil {
		return nil, fmt.Errorf("claim inline requests: %w", err)
	}
	rest := ds[:0]
	for _, d := range ds {
		if ch, ok := a.waiters[d.ID]; ok {
			ch <- d
			delete(a.waiters, d.ID)
			continue
		}
		rest = append(rest, d)
	}
	return rest, nil
}

// background runs f after the response, tracked so that shutdown waits for
// it; once the worker has stopped, untracked.
func (a *Adapter) background(f func()) {
	a.mu.Lock()
	tracked := !a.closed
	if tracked {
		a.bg.Add(1)
	}
	a.mu.Unlock()
	go func() {
		if tracked {
			defer a.bg.Done()
		}
		f()
	}()
}

// maxKey is the longest inbox key storage keeps.
const maxKey = 191

// key joins an inbox key's parts with ":"; a key too long for storage is
// shortened to its prefix and a hash of the whole.
func key(prefix string, parts ...string) string {
	k := prefix + strings.Join(parts, ":")
	if len(k) <= maxKey {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return prefix + "h:" + hex.EncodeToString(sum[:])
}
