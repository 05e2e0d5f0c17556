package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

// ErrLeaseLost is returned by Finish when the caller no longer holds the
// delivery's lease: it ran out and another worker claimed the delivery, or
// the delivery is already finished. The caller must not report it handled.
var ErrLeaseLost = errors.New("inbox lease lost")

// Statuses of an inbox row.
const (
	inboxPending = "pending"
	inboxDone    = "done"
)

// The longest source inbox holds, in bytes, and key inbox_keys holds, in
// characters.
const (
	maxInboxSource = 32
	maxInboxKey    = 191
)

// inboxRow is an inbound platform event in inbox, kept from before the
// platform is acknowledged until it has been handled. The lease columns are
// NULL while no worker holds it; the payload (a blob, bytea or longblob) is
// NULL once it is done.
type inboxRow struct {
	ID         int64  `gorm:"primaryKey;autoIncrement;index:idx_inbox_claim,priority:3"`
	Source     string `gorm:"size:32;not null;index:idx_inbox_claim,priority:1"`
	Tenant     string `gorm:"size:191;not null"`
	Payload    []byte
	Status     string  `gorm:"size:8;not null;index:idx_inbox_claim,priority:2"`
	Attempts   int     `gorm:"not null"`
	LeaseOwner *string `gorm:"size:191"`
	LeaseUntil *time.Time
	ReceivedAt *time.Time `gorm:"not null"`
	DoneAt     *time.Time
}

func (inboxRow) TableName() string { return "inbox" }

func (r *inboxRow) leaseID() int64 { return r.ID }

func (r *inboxRow) delivery() bot.Delivery {
	return bot.Delivery{
		ID: r.ID, Source: r.Source, Tenant: r.Tenant, Payload: r.Payload,
		ReceivedAt: fromDBTime(r.ReceivedAt), Attempts: r.Attempts,
	}
}

// inboxKeyRow remembers one key of a delivery in inbox_keys: its primary key
// is what makes a redelivered event a duplicate, across replicas and
// restarts, until PurgeInbox drops it.
type inboxKeyRow struct {
	Key       string     `gorm:"primaryKey;size:191"`
	InboxID   int64      `gorm:"not null"`
	CreatedAt *time.Time `gorm:"not null;autoCreateTime:false;index:idx_inbox_keys_created"`
}

func (inboxKeyRow) TableName() string { return "inbox_keys" }

// Put stores d with its keys and sets d.ID, so that the adapter can
// acknowledge the platform once Put returns: it returns after the
// transaction holding d has committed. When any key of d is already stored,
// or belongs to another delivery committed in the same transaction first,
// nothing of d is written and fresh is false: the event is a duplicate and
// must have no effect. Keys repeated within d count once. A zero
// d.ReceivedAt is set to the current time. Concurrent Puts share one
// transaction (see putBatcher); an error means d was not stored, unless it
// is ctx's own error, after which d may have been stored.
func (db *DB) Put(ctx context.Context, d *bot.Delivery) (fresh bool, err error) {
	return db.PutLeased(ctx, d, "", time.Time{})
}

// PutLeased is Put, with the stored delivery leased to owner until until
// when owner is not empty, as if claimed by owner (its first attempt): the
// adapter that records an event it is about to handle needs no Claim, and
// no other worker takes it meanwhile.
func (db *DB) PutLeased(ctx context.Context, d *bot.Delivery, owner string, until time.Time) (fresh bool, err error) {
	keys, err := inboxKeys(d.Keys)
	if err == nil && (d.Source == "" || len(d.Source) > maxInboxSource) {
		err = fmt.Errorf("source must have 1 to %d bytes", maxInboxSource)
	}
	if err != nil {
		return false, fmt.Errorf("put inbound %s event: %w", d.Source, err)
	}
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = time.Now()
	}
	c := &putCall{ctx: ctx, keys: keys, done: make(chan struct{}), row: inboxRow{
		Source: d.Source, Tenant: d.Tenant, Payload: d.Payload, Status: inboxPending, ReceivedAt: toDBTime(d.ReceivedAt)}}
	if owner != "" {
		if until.IsZero() {
			return false, fmt.Errorf("put inbound %s event: a lease needs an end", d.Source)
		}
		c.row.LeaseOwner, c.row.LeaseUntil, c.row.Attempts = &owner, toDBTime(until), 1
	}
	if db.batch != nil {
		err = db.batch.put(c)
	} else {
		err = db.putNow(c)
	}
	if err != nil {
		return false, fmt.Errorf("put inbound %s event: %w", d.Source, err)
	}
	if c.fresh {
		d.ID = c.row.ID
	}
	return c.fresh, nil
}

// inboxKeys checks a delivery's keys and returns them sorted without
// repeats: the sorted order makes concurrent Puts lock shared keys in the
// same order, so they wait for each other instead of deadlocking.
func inboxKeys(keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, errors.New("no dedupe keys")
	}
	for _, k := range keys {
		if k == "" {
			return nil, errors.New("empty dedupe key")
		}
		if utf8.RuneCountInString(k) > maxInboxKey {
			return nil, fmt.Errorf("dedupe key longer than %d characters", maxInboxKey)
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(keys))), nil
}

// Claim leases to owner, until now+lease, up to n pending deliveries of
// source that no one holds or whose lease ran out, oldest first, and counts
// the attempt (see claimLeases). The deliveries come with their payloads but
// without Keys.
func (db *DB) Claim(ctx context.Context, source, owner string, n int, now time.Time, lease time.Duration) ([]bot.Delivery, error) {
	if owner == "" || n < 1 || lease <= 0 {
		return nil, fmt.Errorf("claim inbound %s events: need an owner, n ≥ 1 and a positive lease", source)
	}
	now = normTime(now)
	rows, err := claimLeases[inboxRow](ctx, db, leaseQuery{
		where: "source = ? AND status = ? AND (lease_until IS NULL OR lease_until < ?)",
		args:  []any{source, inboxPending, now}, order: []string{"id"}, n: n,
	}, owner, now.Add(lease))
	if err != nil {
		return nil, fmt.Errorf("claim inbound %s events: %w", source, err)
	}
	out := make([]bot.Delivery, len(rows))
	for i := range rows {
		out[i] = rows[i].delivery()
		out[i].Attempts++
	}
	return out, nil
}

// Finish marks delivery id handled if owner still holds its lease, and drops
// its payload, which holds users' messages; ErrLeaseLost otherwise, leaving
// the delivery as it is.
func (db *DB) Finish(ctx context.Context, id int64, owner string) error {
	res := db.conn(ctx).Model(&inboxRow{}).
		Where("id = ? AND lease_owner = ? AND status = ?", id, owner, inboxPending).
		Updates(map[string]any{
			"status": inboxDone, "done_at": toDBTime(time.Now()),
			"payload": nil, "lease_owner": nil, "lease_until": nil,
		})
	if res.Error != nil {
		return fmt.Errorf("finish inbound event %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("finish inbound event %d: %w", id, ErrLeaseLost)
	}
	return nil
}

// PurgeInbox deletes the handled deliveries received before before, and the
// keys stored before it except those of deliveries still pending, and
// returns how many deliveries it deleted. Callers keep keys at least 8 hours,
// longer than platforms redeliver; a pending delivery is never deleted.
func (db *DB) PurgeInbox(ctx context.Context, before time.Time) (int64, error) {
	if before.IsZero() {
		return 0, errors.New("purge inbox: zero cutoff")
	}
	before = normTime(before)
	g := db.conn(ctx)
	res := g.Where("status = ? AND received_at < ?", inboxDone, before).Delete(&inboxRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge inbox before %s: %w", before.Format(time.RFC3339), res.Error)
	}
	err := g.Where("created_at < ? AND NOT EXISTS (SELECT 1 FROM inbox WHERE inbox.id = inbox_keys.inbox_id AND inbox.status = ?)",
		before, inboxPending).Delete(&inboxKeyRow{}).Error
	if err != nil {
		return res.RowsAffected, fmt.Errorf("purge inbox keys before %s: %w", before.Format(time.RFC3339), err)
	}
	// The effects of handled events go with them: a delivery past this
	// age is not run again (effects.go).
	if _, err := db.PurgeEffects(ctx, before); err != nil {
		return res.RowsAffected, err
	}
	return res.RowsAffected, nil
}

// inboxTx runs fn in a transaction (a savepoint inside InTx) and, when the
// transaction is its own, runs it again after the database aborted it to
// break a deadlock.
func (db *DB) inboxTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 1; ; attempt++ {
		err := db.conn(ctx).Transaction(fn, db.txOpts...)
		if err == nil || db.inTx || !aborted(err) || attempt == numberAttempts {
			return err
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}
