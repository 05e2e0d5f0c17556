package lark

import (
	"context"
	"fmt"

	"github.com/pipbot/pipbot/bot"
)

// A card click is handled by whoever holds its inbox lease, exactly once.
// The inline handler records the click, then claims card clicks itself; every
// claim in this process (the worker's too) goes through claimCards, which
// hands a click to the inline handler waiting for it. A click claimed by
// another replica, or left over by a crashed process, is handled there, or by
// the worker here, and answered through the delayed update.

// putCard records a click and registers the caller as waiting for it, in
// the same critical section as the claims, so no claim here can miss it.
// own is nil when the click is a replay.
func (a *Adapter) putCard(ctx context.Context, d *bot.Delivery) (own chan bot.Delivery, err error) {
	ctx, cancel := context.WithTimeout(ctx, a.tune.ackTimeout)
	defer cancel()
	a.cardMu.Lock()
	defer a.cardMu.Unlock()
	fresh, err := a.opts.Inbox.Put(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("record card click: %w", err)
	}
	if !fresh {
		return nil, nil
	}
	own = make(chan bot.Delivery, 1)
	a.waiters[d.ID] = own
	return own, nil
}

// claimOwn claims card clicks until the caller's own is among them; the
// others go to the worker. ok is false when another worker holds it.
func (a *Adapter) claimOwn(ctx context.Context, id int64, own chan bot.Delivery) (d bot.Delivery, ok bool) {
	ctx, cancel := context.WithTimeout(ctx, a.tune.ackTimeout)
	defer cancel()
	rest, err := a.claimCards(ctx, a.tune.cardBatch)
	if err != nil {
		a.log.ErrorContext(ctx, "claim card click", "err", err)
	}
	for _, d := range rest {
		a.enqueue(d)
	}
	a.cardMu.Lock()
	defer a.cardMu.Unlock()
	delete(a.waiters, id)
	select {
	case d = <-own:
		return d, true
	default:
		return d, false
	}
}

// claimCards claims up to n card clicks, gives those an inline handler is
// waiting for to it, and returns the rest.
func (a *Adapter) claimCards(ctx context.Context, n int) ([]bot.Delivery, error) {
	a.cardMu.Lock()
	defer a.cardMu.Unlock()
	ds, err := a.opts.Inbox.Claim(ctx, sourceCards, a.owner, n, a.now(), a.tune.lease)
	if err != nil {
		return nil, fmt.Errorf("claim card clicks: %w", err)
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
