package bot

import (
	"context"
	"errors"
	"fmt"
)

// Exactly one effect per event. A platform delivers an event at least once
// and a worker may die at any point while handling it, so the engine
// records, in the same transaction as the change, that the event (its
// Command.EventKey) took effect, and afterwards the replies it produced. A
// run of an event that already took effect changes nothing and answers
// with the recorded replies, whose keys make the platforms send each once.
//
// A command commits at most once (commit refuses a second); everything it
// reads and decides comes before, everything it tells after. On a store
// that can hold a transaction (held.go) the change and its replies are
// committed together; on one that cannot, a crash between the commit and
// the recording of the replies leaves the change applied once and the
// actor told only that it was done.

// Effects remembers which events changed something, and what was said.
type Effects interface {
	// Effect returns the replies recorded for the event key of tenant;
	// ok is true once the event took effect (replies may still be nil).
	Effect(ctx context.Context, tenant, key string) (replies []byte, ok bool, err error)
	// RecordEffect marks the event as applied; called inside the change's
	// transaction, it fails if the event was already applied.
	RecordEffect(ctx context.Context, tenant, key string) error
	// SaveEffectReplies keeps the replies of an applied event.
	SaveEffectReplies(ctx context.Context, tenant, key string, replies []byte) error
}

// errSecondCommit is a programming error: a command tried to commit twice.
var errSecondCommit = errors.New("a command commits at most once")

// commit runs fn in one transaction with the record that r's event took
// effect. It is the only way commands write. In a held command the
// transaction stays open until Handle has recorded the replies (settle).
func (e *Engine) commit(ctx context.Context, r *request, fn func(tx Store) error) error {
	if r.committed {
		return errSecondCommit
	}
	if h := heldOf(ctx); h != nil {
		if err := h.commitHeld(ctx, r, fn); err != nil {
			return err
		}
		r.committed = true
		return nil
	}
	err := e.store.InTx(ctx, func(tx Store) error {
		if err := fn(tx); err != nil {
			return err
		}
		if r.cmd.EventKey == "" {
			return nil
		}
		if err := tx.RecordEffect(ctx, r.cmd.Tenant, r.cmd.EventKey); err != nil {
			return fmt.Errorf("record effect: %w", err)
		}
		return nil
	})
	if err == nil {
		r.committed = true
	}
	return err
}

// replay answers an event that already took effect: its recorded replies,
// or, when the worker died before they were recorded, a line saying it was
// done. ok is false when the event has not taken effect.
func (e *Engine) replay(ctx context.Context, cmd Command) (replies []Reply, ok bool, err error) {
	if cmd.EventKey == "" {
		return nil, false, nil
	}
	raw, ok, err := e.store.Effect(ctx, cmd.Tenant, cmd.EventKey)
	if err != nil || !ok {
		return nil, false, err
	}
	if len(raw) > 0 {
		if replies, err := UnmarshalReplies(raw); err == nil {
			return replies, true, nil
		}
		e.log.ErrorContext(ctx, "recorded replies do not decode", "tenant", cmd.Tenant, "event_id", cmd.EventID)
	}
	l, _ := e.prefs(e.person(ctx, cmd.Tenant, cmd.Actor.ID))
	return []Reply{{Message: Message{Blocks: []Block{Text{Body: T(l, "done.already")}}}}}, true, nil
}

// remember records the replies of a committed event; a failure is logged,
// not returned: the change stands and the replies still go out now.
func (e *Engine) remember(ctx context.Context, cmd Command, replies []Reply) {
	raw, err := MarshalReplies(replies)
	if err == nil {
		err = e.store.SaveEffectReplies(ctx, cmd.Tenant, cmd.EventKey, raw)
	}
	if err != nil {
		e.log.WarnContext(ctx, "replies of an applied event not recorded", "tenant", cmd.Tenant, "event_id", cmd.EventID, "err", err)
	}
}
