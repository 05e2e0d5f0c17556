package slack

import (
	"context"
	"errors"

	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/bot"
)

// platform is what the inbound pipeline asks of Slack: reading a recorded
// event or inline request, and delivering replies.
type platform struct{ a *Adapter }

// Translate reads a claimed delivery. An event of a workspace the app is
// not installed in (recorded before accept refused those) is dropped, never
// run; app_home_opened only publishes the Home again.
func (p platform) Translate(ctx context.Context, d bot.Delivery) (inbound.Work[Origin], error) {
	a := p.a
	if d.Source == sourceUI {
		return a.uiWork(ctx, d)
	}
	var w inbound.Work[Origin]
	if env, err := parseEnvelope(d.Payload); err == nil {
		if ok, ierr := a.installed(ctx, env.TeamID); ierr == nil && !ok {
			a.log.WarnContext(ctx, "delivery of another workspace dropped", "team_id", env.TeamID, "event_id", env.EventID)
			return w, nil
		}
		if env.Event.Type == eventHomeOpen {
			w.Then = func(ctx context.Context) { a.refreshHome(ctx, env.TeamID, env.Event.User) }
			return w, nil
		}
	}
	var err error
	w.Cmd, w.Origin, w.Run, err = a.messageCommand(ctx, d.Payload)
	return w, err
}

// Deliver sends replies through the Deliverer (the Sender).
func (p platform) Deliver(ctx context.Context, o Origin, replies []bot.Reply) error {
	return p.a.opts.Deliverer.Deliver(ctx, o, replies)
}

// Retryable reports whether a delivery error may pass by trying again: an
// error that says so (Temporary or Retryable, as *slack.RateLimitedError
// does) decides; anything else is tried again, up to the pipeline's
// attempts.
func (platform) Retryable(err error) bool {
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
