package storage

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ClaimDue leases to owner, until now+lease, up to n pending reminders due
// at or before now that no one holds or whose lease ran out, oldest due
// first, and counts the attempt. On PostgreSQL and MySQL the rows are locked
// with SKIP LOCKED, so dispatchers claiming at once on several replicas take
// different rows; SQLite has one writer at a time.
func (db *DB) ClaimDue(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]bot.Reminder, error) {
	if owner == "" || n < 1 || lease <= 0 || now.IsZero() {
		return nil, fmt.Errorf("claim due reminders: need an owner, a time, n ≥ 1 and a positive lease")
	}
	now = normTime(now)
	until := normTime(now.Add(lease))
	var rows []reminderRow
	err := db.inboxTx(ctx, func(tx *gorm.DB) error {
		rows = nil
		q := tx.Where("status = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)", bot.ReminderPending, now, now).
			Order("due_at").Order("id").Limit(n)
		if db.kind != KindSQLite {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		if err := q.Find(&rows).Error; err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int64, len(rows))
		for i := range rows {
			ids[i] = rows[i].ID
		}
		res := tx.Model(&reminderRow{}).Where("id IN ?", ids).Updates(map[string]any{
			"lease_owner": owner, "lease_until": until, "attempts": gorm.Expr("attempts + 1"),
		})
		if res.Error == nil && res.RowsAffected != int64(len(ids)) {
			return fmt.Errorf("leased %d of %d locked rows", res.RowsAffected, len(ids))
		}
		return res.Error
	})
	if err != nil {
		return nil, fmt.Errorf("claim due reminders for %s: %w", owner, err)
	}
	out := make([]bot.Reminder, len(rows))
	for i := range rows {
		out[i] = rows[i].reminder()
		out[i].Attempts++
		out[i].LeaseOwner, out[i].LeaseUntil = owner, until
	}
	return out, nil
}

// ReleaseReminders gives back owner's leases on the pending reminders ids,
// claimed but never handed to the platform, and uncounts that attempt, so
// that another replica takes them at once rather than when the lease runs
// out: a dispatcher that is shutting down returns its leases. It returns how
// many it released.
func (db *DB) ReleaseReminders(ctx context.Context, owner string, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res := db.conn(ctx).Model(&reminderRow{}).
		Where("id IN ? AND lease_owner = ? AND status = ?", ids, owner, bot.ReminderPending).
		Updates(map[string]any{"lease_owner": nil, "lease_until": nil, "attempts": gorm.Expr("attempts - 1")})
	if res.Error != nil {
		return 0, fmt.Errorf("release %d reminders of %s: %w", len(ids), owner, res.Error)
	}
	return int(res.RowsAffected), nil
}

// MarkSent records that reminder id went out at at as platform message
// messageID, if owner still holds its lease and it is still pending; it
// fails with ErrLeaseLost otherwise (another dispatcher claimed it after the
// lease ran out, or it was cancelled), leaving the row as it is. A lease
// that ran out but that no one took over is still held.
func (db *DB) MarkSent(ctx context.Context, id int64, owner string, at time.Time, messageID string) error {
	if utf8.RuneCountInString(messageID) > maxReminderMessageID {
		messageID = string([]rune(messageID)[:maxReminderMessageID])
	}
	return db.finishReminder(ctx, "mark reminder %d sent", id, owner, map[string]any{
		"status": bot.ReminderSent, "sent_at": toDBTime(at), "message_id": messageID,
	})
}

// MarkMissed records that reminder id passed its deadline (or ran out of
// attempts) unsent, at at, under the same fence as MarkSent.
func (db *DB) MarkMissed(ctx context.Context, id int64, owner string, at time.Time) error {
	return db.finishReminder(ctx, "mark reminder %d missed", id, owner, map[string]any{
		"status": bot.ReminderMissed, "missed_at": toDBTime(at),
	})
}

// finishReminder applies set to reminder id if owner holds its lease and it
// is pending, and fails with a *leaseLostError otherwise. The lease columns are
// kept: they say which dispatcher finished it.
func (db *DB) finishReminder(ctx context.Context, what string, id int64, owner string, set map[string]any) error {
	res := db.conn(ctx).Model(&reminderRow{}).
		Where("id = ? AND lease_owner = ? AND status = ?", id, owner, bot.ReminderPending).Updates(set)
	if res.Error != nil {
		return fmt.Errorf(what+": %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return &leaseLostError{fmt.Sprintf(what+" by %s: %v", id, owner, ErrLeaseLost)}
	}
	return nil
}

// leaseLostError is ErrLeaseLost for one reminder. Its LeaseLost method
// lets the scheduler, which declares its own port and does not import
// storage, tell a lost lease from a failed write.
type leaseLostError struct{ msg string }

func (e *leaseLostError) Error() string   { return e.msg }
func (e *leaseLostError) Unwrap() error   { return ErrLeaseLost }
func (e *leaseLostError) LeaseLost() bool { return true }

// ListReminders returns the tenant's reminders (every tenant's when tenant
// is "") that match f, by due time: `pipbot jobs list`.
func (db *DB) ListReminders(ctx context.Context, tenant string, f ReminderFilter) ([]bot.Reminder, error) {
	g := db.conn(ctx)
	if tenant != "" {
		g = g.Where("tenant = ?", tenant)
	}
	if !f.From.IsZero() {
		g = g.Where("due_at >= ?", normTime(f.From))
	}
	if !f.To.IsZero() {
		g = g.Where("due_at < ?", normTime(f.To))
	}
	if f.Status != "" {
		g = g.Where("status = ?", f.Status)
	}
	if f.Kind != "" {
		g = g.Where("kind = ?", f.Kind)
	}
	if f.Limit > 0 {
		g = g.Limit(f.Limit)
	}
	var rows []reminderRow
	if err := g.Order("due_at").Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list reminders of tenant %q: %w", tenant, err)
	}
	out := make([]bot.Reminder, len(rows))
	for i := range rows {
		out[i] = rows[i].reminder()
	}
	return out, nil
}

// CountReminders counts the reminders of every tenant in status, due before
// dueBefore unless it is zero: the metrics' overdue gauge counts the pending
// ones due before now.
func (db *DB) CountReminders(ctx context.Context, status bot.ReminderStatus, dueBefore time.Time) (int, error) {
	g := db.conn(ctx).Model(&reminderRow{}).Where("status = ?", status)
	if !dueBefore.IsZero() {
		g = g.Where("due_at < ?", normTime(dueBefore))
	}
	var n int64
	if err := g.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count %s reminders: %w", status, err)
	}
	return int(n), nil
}
