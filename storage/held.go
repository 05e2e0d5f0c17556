package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

// A held transaction lets the engine keep a command's change open until
// the command's replies are recorded beside it (bot.TxHolder): Hold puts a
// slot in the context, Begin opens the transaction in it, and from then on
// every query of the store made with that context, in any method, runs in
// that transaction, so that on SQLite, whose one connection the
// transaction holds, a read the replies make does not wait for itself.

// heldKey is the context key of a held transaction's slot.
type heldKey struct{}

// heldTx is one slot; tx is nil until Begin and after Commit or Rollback.
type heldTx struct {
	db *DB
	mu sync.Mutex
	tx *gorm.DB
}

var _ bot.TxHolder = (*DB)(nil)

// Hold returns ctx with an empty slot for one transaction of db.
func (db *DB) Hold(ctx context.Context) (context.Context, bot.HeldTx) {
	h := &heldTx{db: db}
	return context.WithValue(ctx, heldKey{}, h), h
}

// Begin opens the transaction; the store it returns, and db itself with
// the held context, run their queries in it.
func (h *heldTx) Begin(ctx context.Context) (bot.Store, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tx != nil {
		return nil, errors.New("begin held transaction: one is open")
	}
	tx := h.db.gdb.WithContext(context.WithoutCancel(ctx)).Begin(h.db.txOpts...)
	if tx.Error != nil {
		return nil, fmt.Errorf("begin %s transaction: %w", h.db.kind, tx.Error)
	}
	h.tx = tx
	return h.db.bound(tx), nil
}

// Commit commits the open transaction; nil when none is open.
func (h *heldTx) Commit() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tx == nil {
		return nil
	}
	err := h.tx.Commit().Error
	h.tx = nil
	if err != nil {
		return fmt.Errorf("commit %s transaction: %w", h.db.kind, err)
	}
	return nil
}

// Rollback rolls the open transaction back; nothing when none is open.
func (h *heldTx) Rollback() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tx != nil {
		_ = h.tx.Rollback().Error
		h.tx = nil
	}
}

// held is the slot's transaction when ctx holds one of db's that is open.
func (db *DB) held(ctx context.Context) *gorm.DB {
	h, _ := ctx.Value(heldKey{}).(*heldTx)
	if h == nil || h.db != db {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.tx
}

// conn is where a query of db made with ctx runs: db's own transaction
// when db is bound to one, the held transaction of ctx when one is open,
// else the pool.
func (db *DB) conn(ctx context.Context) *gorm.DB {
	if !db.inTx {
		if tx := db.held(ctx); tx != nil {
			return tx.WithContext(ctx)
		}
	}
	return db.gdb.WithContext(ctx)
}
