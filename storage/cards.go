package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm/clause"
)

// cardRow is a card a platform adapter sent and tracks because the platform
// limits how long it stays usable (bot.SentCard): Feishu's 14 days. A row
// that waits (kind set, not resolved) is claimed with a lease by one
// replica's refresher shortly before its window closes, and sent again.
type cardRow struct {
	ID            int64      `gorm:"primaryKey;autoIncrement"`
	Tenant        string     `gorm:"size:191;not null"`
	RecipientType string     `gorm:"size:16;not null"`
	Recipient     string     `gorm:"size:191;not null"`
	Plan          int        `gorm:"not null"`
	Kind          string     `gorm:"size:64;not null;index:idx_sent_cards_due,priority:1"`
	MessageID     string     `gorm:"size:191;not null;uniqueIndex:uq_sent_cards_message"`
	PrevMessageID string     `gorm:"size:191;not null;index:idx_sent_cards_prev"`
	SentAt        *time.Time `gorm:"not null;index:idx_sent_cards_due,priority:2"`
	Generation    int        `gorm:"not null"`
	Reply         []byte
	ResolvedAt    *time.Time
	Attempts      int     `gorm:"not null"`
	LeaseOwner    *string `gorm:"size:191"`
	LeaseUntil    *time.Time
}

func (cardRow) TableName() string { return "sent_cards" }

func (r cardRow) card() bot.SentCard {
	c := bot.SentCard{ID: r.ID, Tenant: r.Tenant, RecipientType: r.RecipientType, Recipient: r.Recipient, Plan: r.Plan,
		Kind: r.Kind, MessageID: r.MessageID, PrevMessageID: r.PrevMessageID, SentAt: fromDBTime(r.SentAt),
		Generation: r.Generation, Reply: r.Reply, ResolvedAt: fromDBTime(r.ResolvedAt), Attempts: r.Attempts,
		LeaseUntil: fromDBTime(r.LeaseUntil)}
	if r.LeaseOwner != nil {
		c.LeaseOwner = *r.LeaseOwner
	}
	return c
}

// RecordCard keeps a card just sent. A card whose message id is already
// kept (a retried send answered from the platform's uuid window) is left
// as it is.
func (db *DB) RecordCard(ctx context.Context, c bot.SentCard) error {
	if c.MessageID == "" || c.SentAt.IsZero() {
		return errors.New("record sent card: need a message id and a time")
	}
	row := cardRow{Tenant: c.Tenant, RecipientType: c.RecipientType, Recipient: c.Recipient, Plan: c.Plan, Kind: c.Kind,
		MessageID: c.MessageID, PrevMessageID: c.PrevMessageID, SentAt: toDBTime(c.SentAt), Generation: c.Generation,
		Reply: c.Reply, ResolvedAt: toDBTime(c.ResolvedAt)}
	err := db.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "message_id"}}, DoNothing: true}).
		Create(&row).Error
	if err != nil {
		return fmt.Errorf("record sent card %s: %w", c.MessageID, err)
	}
	return nil
}

// CardSentAt is when the card messageID was sent, and whether it is kept at
// all. A card sent again answers for the old message id too: its time is
// the new card's, so the old one's age is unknown and ok is false.
func (db *DB) CardSentAt(ctx context.Context, messageID string) (time.Time, bool, error) {
	var rows []cardRow
	if err := db.conn(ctx).Where("message_id = ?", messageID).Limit(1).Find(&rows).Error; err != nil {
		return time.Time{}, false, fmt.Errorf("read sent card %s: %w", messageID, err)
	}
	if len(rows) == 0 {
		return time.Time{}, false, nil
	}
	return fromDBTime(rows[0].SentAt), true, nil
}

// CardReplaced records that the card messageID (or the card it replaced)
// now shows reply, which waits for kind ("" for nothing): a click answered
// with a new card in its place. A card that waits for nothing any more is
// resolved at at. It reports whether a kept card matched.
func (db *DB) CardReplaced(ctx context.Context, messageID, kind string, reply []byte, at time.Time) (bool, error) {
	set := map[string]any{"kind": kind, "reply": reply, "resolved_at": nil}
	if kind == "" {
		set["resolved_at"] = toDBTime(at)
	}
	res := db.conn(ctx).Model(&cardRow{}).
		Where("(message_id = ? OR prev_message_id = ?) AND resolved_at IS NULL", messageID, messageID).Updates(set)
	if res.Error != nil {
		return false, fmt.Errorf("record replaced card %s: %w", messageID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// ClaimStaleCards leases to owner, until now+lease, up to n cards that still
// wait for an action and were sent at or before sentBefore, oldest first,
// and counts the attempt; a card leased to someone else is skipped until
// its lease runs out. Replicas claiming at once take different cards
// (claimLeases).
func (db *DB) ClaimStaleCards(ctx context.Context, owner string, now, sentBefore time.Time, n int, lease time.Duration) ([]bot.SentCard, error) {
	if owner == "" || n < 1 || lease <= 0 || now.IsZero() {
		return nil, errors.New("claim sent cards: need an owner, a time, n ≥ 1 and a positive lease")
	}
	now = normTime(now)
	until := now.Add(lease)
	rows, err := claimLeases[cardRow](ctx, db, leaseQuery{
		where: "kind <> '' AND resolved_at IS NULL AND sent_at <= ? AND (lease_until IS NULL OR lease_until < ?)",
		args:  []any{normTime(sentBefore), now}, order: []string{"sent_at", "id"}, n: n,
	}, owner, until)
	if err != nil {
		return nil, fmt.Errorf("claim sent cards for %s: %w", owner, err)
	}
	out := make([]bot.SentCard, len(rows))
	for i := range rows {
		out[i] = rows[i].card()
		out[i].Attempts++
		out[i].LeaseOwner, out[i].LeaseUntil = owner, normTime(until)
	}
	return out, nil
}

func (r *cardRow) leaseID() int64 { return r.ID }

// CardResent records that c, claimed by owner, was sent again as
// newMessageID at at: the row follows the new card (generation + 1, the old
// message id kept as PrevMessageID) and its lease ends. It fails with
// ErrLeaseLost when owner no longer holds c as claimed (another replica
// took it over, or a click resolved it).
func (db *DB) CardResent(ctx context.Context, c bot.SentCard, owner, newMessageID string, at time.Time) error {
	return db.finishCard(ctx, "record card %d sent again", c, owner, map[string]any{
		"message_id": newMessageID, "prev_message_id": c.MessageID, "sent_at": toDBTime(at),
		"generation": c.Generation + 1, "attempts": 0, "lease_owner": nil, "lease_until": nil,
	})
}

// ResolveCard records that c, claimed by owner, waits for nothing any more
// (the plan moved on), under the same fence as CardResent.
func (db *DB) ResolveCard(ctx context.Context, c bot.SentCard, owner string, at time.Time) error {
	return db.finishCard(ctx, "resolve card %d", c, owner, map[string]any{
		"resolved_at": toDBTime(at), "lease_owner": nil, "lease_until": nil,
	})
}

// HoldCard reports, by failing with ErrLeaseLost, that c is no longer
// owner's as claimed (a click answered it, or another replica took it
// over), and otherwise extends the lease to until: the refresher checks
// just before each step that shows something.
func (db *DB) HoldCard(ctx context.Context, c bot.SentCard, owner string, until time.Time) error {
	return db.finishCard(ctx, "hold card %d", c, owner, map[string]any{"lease_until": toDBTime(until)})
}

// ReleaseCard gives back owner's lease on c, so the next round tries it
// again.
func (db *DB) ReleaseCard(ctx context.Context, c bot.SentCard, owner string) error {
	return db.finishCard(ctx, "release card %d", c, owner, map[string]any{"lease_owner": nil, "lease_until": nil})
}

func (db *DB) finishCard(ctx context.Context, what string, c bot.SentCard, owner string, set map[string]any) error {
	res := db.conn(ctx).Model(&cardRow{}).
		Where("id = ? AND lease_owner = ? AND message_id = ? AND generation = ? AND resolved_at IS NULL",
			c.ID, owner, c.MessageID, c.Generation).Updates(set)
	if res.Error != nil {
		return fmt.Errorf(what+": %w", c.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return &leaseLostError{fmt.Sprintf(what+" by %s: %v", c.ID, owner, ErrLeaseLost)}
	}
	return nil
}

// PruneCards deletes the cards sent before before that wait for nothing
// (status cards, resolved ones): past the platform's window nothing can be
// done with them. It returns how many it deleted.
func (db *DB) PruneCards(ctx context.Context, before time.Time) (int, error) {
	res := db.conn(ctx).Where("sent_at < ? AND (kind = '' OR resolved_at IS NOT NULL)", normTime(before)).
		Delete(&cardRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("prune sent cards: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// SentCards lists the cards of tenant, by id: tests and `pipbot` tooling.
func (db *DB) SentCards(ctx context.Context, tenant string) ([]bot.SentCard, error) {
	var rows []cardRow
	if err := db.conn(ctx).Where("tenant = ?", tenant).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list sent cards of %q: %w", tenant, err)
	}
	out := make([]bot.SentCard, len(rows))
	for i := range rows {
		out[i] = rows[i].card()
	}
	return out, nil
}
