package lark

import (
	"context"

	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/bot"
)

// platform is what the inbound pipeline asks of Feishu: reading a recorded
// event or click, and delivering replies.
type platform struct{ a *Adapter }

// Translate reads a claimed delivery. A click reaches the worker only when
// its callback could not answer with the result, so its replies go through
// the delayed update, not before the callback's 3 s are over.
func (p platform) Translate(ctx context.Context, d bot.Delivery) (inbound.Work[Origin], error) {
	var w inbound.Work[Origin]
	var err error
	switch d.Source {
	case sourceCards:
		w.Cmd, w.Origin, w.Run, err = p.a.cardCommand(ctx, d.Payload, p.a.pipe.LastAttempt(d))
		w.Origin.UpdateToken = cardToken(d.Payload)
		w.NotBefore = d.ReceivedAt.Add(p.a.tune.cardWindow)
	default:
		w.Cmd, w.Origin, w.Run, err = p.a.messageCommand(ctx, d.Payload)
	}
	return w, err
}

// Deliver sends replies through the Deliverer (the Sender).
func (p platform) Deliver(ctx context.Context, o Origin, replies []bot.Reply) error {
	return p.a.opts.Deliverer.Deliver(ctx, o, replies)
}

// Retryable is Temporary.
func (platform) Retryable(err error) bool { return Temporary(err) }
