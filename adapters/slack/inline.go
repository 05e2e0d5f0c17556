package slack

import (
	"context"
	"strconv"
	"time"

	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/bot"
)

// A slash command, a click or a submission is answered inline, within
// Slack's 3 s, because only then can a modal open with its trigger_id or a
// submission's errors show in the modal. It goes through the inbound
// pipeline's inline path: recorded leased to this process (a replay has no
// effect, and a crash midway is recoverable by a worker after the lease),
// then run by the request itself.

// inline is how an inline request ended.
type inline int

const (
	inlineDone      inline = iota // the engine answered in time: result is set
	inlineDuplicate               // a replay: no effect
	inlineFailed                  // not recorded: Slack should see a failure
	inlineLate                    // the engine is still working; the pipeline delivers by message
)

// result is a handled inline request; ok is false when its payload did not
// translate (already logged and finished).
type result struct {
	inbound.Result[Origin]
	ok bool
}

// runInline records d and runs the engine until start+budget. When the
// engine is late, its replies are delivered by message once it answers.
// The caller must complete a done result (deliverResult).
func (a *Adapter) runInline(ctx context.Context, d *bot.Delivery, start time.Time) (result, inline) {
	fresh, err := a.pipe.Inline(ctx, d)
	switch {
	case err != nil:
		a.log.ErrorContext(ctx, "record inline request", "tenant", d.Tenant, "err", err)
		return result{}, inlineFailed
	case !fresh:
		a.log.InfoContext(ctx, "duplicate inline request", "tenant", d.Tenant)
		return result{}, inlineDuplicate
	}
	r, ok, inTime := a.pipe.Answer(ctx, *d, start.Add(a.tune.budget))
	if !inTime {
		return result{}, inlineLate
	}
	return result{r, ok}, inlineDone
}

// uiWork is a recorded inline request as the pipeline's work. The inbox
// row names the request in logs and keys its replies, so the Sender posts
// none twice however often it is delivered. Delivered by the worker (or
// late), its form opens as a modal only while the trigger lives.
func (a *Adapter) uiWork(ctx context.Context, d bot.Delivery) (inbound.Work[Origin], error) {
	req, ok, err := a.uiCommand(ctx, d.Payload)
	if err != nil || !ok {
		return inbound.Work[Origin]{}, err
	}
	req.o.EventID = "ui-" + strconv.FormatInt(d.ID, 10)
	req.cmd.EventID = req.o.EventID
	until := time.Now().Add(d.ReceivedAt.Add(a.tune.trigger).Sub(a.now()))
	w := inbound.Work[Origin]{Run: true, Cmd: req.cmd, Origin: req.o}
	w.Prepare = func(ctx context.Context, replies []bot.Reply) []bot.Reply {
		return a.prepare(ctx, req.o, req.cmd.Actor, replies, until, false)
	}
	if req.home {
		w.Then = func(ctx context.Context) { a.refreshHome(ctx, req.o.TeamID, req.o.UserID) }
	}
	return w, nil
}
