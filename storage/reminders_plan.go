package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// reminderChunk is how many rows UpsertReminders writes per transaction:
// planning 100,000 plans is a few hundred commits, not one per row.
// Each transaction inserts them in statements of
// insertRows: under every driver's limit on bound parameters, and small on
// SQLite, whose driver binds parameters in time quadratic in their number.
const reminderChunk = 500

// insertRows is the number of rows per INSERT statement.
func (db *DB) insertRows() int {
	if db.kind == KindSQLite {
		return 25
	}
	return reminderChunk
}

// UpsertReminders stores the reminders whose key (tenant, subject, kind, due
// key, recipient) is new, as pending, and returns how many it created. A
// reminder already stored is left as it is, except that a pending one takes
// the new DueAt, ExpiresAt, ShortNotice and Provisional when they differ: the
// planner re-plans after an interview moved or the calendar changed. The
// first of several reminders with one key wins. Concurrent planners create
// each row once, without errors: rows are inserted in key order, so that
// they lock shared keys in the same order, and a deadlock is retried.
func (db *DB) UpsertReminders(ctx context.Context, rs []bot.Reminder) (created int, err error) {
	rows := make([]reminderRow, 0, len(rs))
	seen := make(map[string]bool, len(rs))
	for i := range rs {
		if err := checkReminder(&rs[i]); err != nil {
			return 0, fmt.Errorf("upsert reminder %s/%s/%s: %w", rs[i].Tenant, rs[i].Kind, rs[i].DueKey, err)
		}
		row := reminderToRow(&rs[i])
		if !seen[row.KeyHash] {
			seen[row.KeyHash] = true
			rows = append(rows, row)
		}
	}
	slices.SortFunc(rows, func(a, b reminderRow) int { return strings.Compare(a.KeyHash, b.KeyHash) })
	for chunk := range slices.Chunk(rows, reminderChunk) {
		n, err := db.upsertReminderChunk(ctx, chunk)
		created += n
		if err != nil {
			return created, fmt.Errorf("upsert %d reminders: %w", len(rows), err)
		}
	}
	return created, nil
}

// upsertReminderChunk inserts rows that are new, in one statement, and
// re-plans the pending ones that were already stored, in one transaction.
func (db *DB) upsertReminderChunk(ctx context.Context, rows []reminderRow) (int, error) {
	var created int
	err := db.inboxTx(ctx, func(tx *gorm.DB) error {
		ins := slices.Clone(rows) // Create sets IDs, which a retry must not reuse
		res := tx.Clauses(db.insertNew()).CreateInBatches(&ins, db.insertRows())
		if res.Error != nil {
			return res.Error
		}
		created = int(res.RowsAffected)
		if created == len(rows) {
			return nil
		}
		return replanPending(tx, rows)
	})
	return created, err
}

// insertNew is the clause that makes an insert skip rows whose key is
// stored, so that RowsAffected counts the rows created. MySQL's ON DUPLICATE
// KEY UPDATE counts a found row too (the store connects with
// clientFoundRows), so MySQL uses INSERT IGNORE, which would also turn a
// too-long value into a warning: checkReminder has ruled those out.
func (db *DB) insertNew() clause.Expression {
	if db.kind == KindMySQL {
		return clause.Insert{Modifier: "IGNORE"}
	}
	return clause.OnConflict{Columns: []clause.Column{{Name: "key_hash"}}, DoNothing: true}
}

// replanPending gives the stored pending rows among want the due and expiry
// times and flags of want where they differ.
func replanPending(tx *gorm.DB, want []reminderRow) error {
	byHash := make(map[string]*reminderRow, len(want))
	hashes := make([]string, len(want))
	for i := range want {
		byHash[want[i].KeyHash] = &want[i]
		hashes[i] = want[i].KeyHash
	}
	// The status is checked here, not in SQL: with "AND status = ?" SQLite
	// picks the (status, due_at) index and reads every pending row per
	// chunk, which made re-planning grow quadratically. The key hash is
	// unique, so at most len(want) rows come back.
	var have []reminderRow
	err := tx.Select("id", "key_hash", "status", "due_at", "expires_at", "short_notice", "provisional").
		Where("key_hash IN ?", hashes).Find(&have).Error
	if err != nil {
		return err
	}
	for _, h := range have {
		if h.Status != string(bot.ReminderPending) {
			continue
		}
		w := byHash[h.KeyHash]
		if sameDBTime(h.DueAt, w.DueAt) && sameDBTime(h.ExpiresAt, w.ExpiresAt) &&
			h.ShortNotice == w.ShortNotice && h.Provisional == w.Provisional {
			continue
		}
		err := tx.Model(&reminderRow{}).Where("id = ? AND status = ?", h.ID, bot.ReminderPending).Updates(map[string]any{
			"due_at": w.DueAt, "expires_at": w.ExpiresAt, "short_notice": w.ShortNotice, "provisional": w.Provisional,
		}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// sameDBTime compares two nullable time columns.
func sameDBTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// CancelPending cancels the pending reminders of a subject in the tenant
// whose kind is among kinds (nil: every kind) and whose due key is not in
// except, and returns how many it cancelled: the interview was moved or
// cancelled, the plan ended, the update landed. A dispatcher sending one of
// them at that moment loses its lease: its MarkSent fails.
func (db *DB) CancelPending(ctx context.Context, tenant, subject string, kinds []bot.ReminderKind, except []string) (int, error) {
	g := db.conn(ctx).Model(&reminderRow{}).
		Where("tenant = ? AND subject = ? AND status = ?", tenant, subject, bot.ReminderPending)
	if len(kinds) > 0 {
		g = g.Where("kind IN ?", kinds)
	}
	if len(except) > 0 {
		g = g.Where("due_key NOT IN ?", except)
	}
	res := g.Update("status", bot.ReminderCancelled)
	if res.Error != nil {
		return 0, fmt.Errorf("cancel pending reminders of %s in tenant %s: %w", subject, tenant, res.Error)
	}
	return int(res.RowsAffected), nil
}

// CancelReminder cancels one pending reminder of the tenant. A reminder that
// is no longer pending (sent, missed, cancelled) stays as it is and is no
// error; one that the tenant does not have is bot.ErrNotFound.
func (db *DB) CancelReminder(ctx context.Context, tenant string, id int64) error {
	g := db.conn(ctx)
	res := g.Model(&reminderRow{}).Where("id = ? AND tenant = ? AND status = ?", id, tenant, bot.ReminderPending).
		Update("status", bot.ReminderCancelled)
	if res.Error != nil {
		return fmt.Errorf("cancel reminder %d: %w", id, res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	var n int64
	if err := g.Model(&reminderRow{}).Where("id = ? AND tenant = ?", id, tenant).Count(&n).Error; err != nil {
		return fmt.Errorf("cancel reminder %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("cancel reminder %d: %w", id, bot.ErrNotFound)
	}
	return nil
}
