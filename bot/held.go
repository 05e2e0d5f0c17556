package bot

import (
	"context"
	"fmt"
)

// One transaction for a change and its replies. When the store can hold a
// transaction open (TxHolder), a command's commit opens one and keeps it:
// the change, the record that the event took effect and, once the command
// has composed them, its replies are committed together by Handle. A
// worker that dies anywhere before that commit leaves nothing behind, so
// the event runs again in full, notices to others included; after it, the
// event is replayed from its record. What must follow the commit (the
// planner's hook, the calendar) waits for it.

// TxHolder is a Store that can hold a transaction open across calls.
type TxHolder interface {
	// Hold returns ctx with a slot for one transaction: once Begin opened
	// it, every call of the store made with ctx runs in it.
	Hold(ctx context.Context) (context.Context, HeldTx)
}

// HeldTx is the transaction of a Hold.
type HeldTx interface {
	// Begin opens the transaction and returns a store bound to it.
	Begin(ctx context.Context) (Store, error)
	// Commit commits the open transaction; nil when none is open.
	Commit() error
	// Rollback rolls the open transaction back, if any.
	Rollback()
}

// heldCommand is a command's held transaction and what waits for it.
type heldCommand struct {
	tx   HeldTx
	open bool // a change is in it, not yet committed
	// after runs once the transaction committed; each may add to the
	// actor's replies (which are recorded before, so a replay lacks that).
	after []func(ctx context.Context, replies []Reply) []Reply
}

// heldKey is the context key of a command's heldCommand.
type heldKey struct{}

// hold prepares cmd's transaction when the store can hold one and the
// event has a key to record.
func (e *Engine) hold(ctx context.Context, cmd Command) (context.Context, *heldCommand) {
	th, ok := e.store.(TxHolder)
	if !ok || cmd.EventKey == "" {
		return ctx, nil
	}
	ctx, tx := th.Hold(ctx)
	h := &heldCommand{tx: tx}
	return context.WithValue(ctx, heldKey{}, h), h
}

// heldOf is the command's held transaction in ctx, nil for none.
func heldOf(ctx context.Context) *heldCommand {
	h, _ := ctx.Value(heldKey{}).(*heldCommand)
	return h
}

// commitHeld applies fn and records r's event in the held transaction,
// leaving it open (see commit).
func (h *heldCommand) commitHeld(ctx context.Context, r *request, fn func(tx Store) error) error {
	tx, err := h.tx.Begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		h.tx.Rollback()
		return err
	}
	if err := tx.RecordEffect(ctx, r.cmd.Tenant, r.cmd.EventKey); err != nil {
		h.tx.Rollback()
		return fmt.Errorf("record effect: %w", err)
	}
	h.open = true
	return nil
}

// afterCommit runs fn once the command's change is committed: now, when
// it was committed on its own.
func (e *Engine) afterCommit(ctx context.Context, fn func(ctx context.Context, replies []Reply) []Reply) {
	if h := heldOf(ctx); h != nil && h.open {
		h.after = append(h.after, fn)
		return
	}
	fn(ctx, nil)
}

// settle ends a held command: it records the replies and commits them
// with the change, then runs what waited for the commit. If either fails,
// nothing of the command stands and the error says to run it again.
func (e *Engine) settle(ctx context.Context, cmd Command, h *heldCommand, replies []Reply) ([]Reply, error) {
	if h == nil || !h.open {
		return replies, nil
	}
	h.open = false
	raw, err := MarshalReplies(replies)
	if err == nil {
		err = e.store.SaveEffectReplies(ctx, cmd.Tenant, cmd.EventKey, raw)
	}
	if err != nil {
		h.tx.Rollback()
		return nil, fmt.Errorf("record replies: %w", err)
	}
	if err := h.tx.Commit(); err != nil {
		return nil, err
	}
	for _, fn := range h.after {
		replies = fn(ctx, replies)
	}
	return replies, nil
}

// abandon rolls back a held command's change (a panic while composing).
func (h *heldCommand) abandon() {
	if h != nil && h.open {
		h.open = false
		h.tx.Rollback()
	}
}
