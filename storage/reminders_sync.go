package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

// syncReadChunk bounds the subjects of one read of stored rows.
const syncReadChunk = 500

// SyncReminders makes the tenant's stored reminders match want, the rows
// the planner wants for some plans, in one transaction: it reads the rows
// stored under the subjects of want and of cancel, inserts the wanted ones
// not stored whose deadline is after now in multi-row statements that skip a key stored meanwhile,
// gives the stored pending ones the due and expiry times and flags of want
// where they differ, and cancels the pending rows under the subjects of
// cancel that want lacks (nil cancel: none), and makes pending again a
// cancelled row under the subjects of cancel that is wanted again (the
// manager changed back, the interview moved back to its day). A wanted row
// past its deadline is neither created nor moved, only kept from being
// cancelled. Rows other than pending are
// left alone. Concurrent planners create each row once: inserts go in key
// order and skip a key already stored, and a deadlock is retried.
func (db *DB) SyncReminders(ctx context.Context, tenant string, want []bot.Reminder, now time.Time, cancel []string) (created, moved, cancelled int, err error) {
	rows := make([]reminderRow, 0, len(want))
	seen := make(map[string]bool, len(want))
	subjects := slices.Clone(cancel)
	for i := range want {
		if want[i].Tenant != tenant {
			return 0, 0, 0, fmt.Errorf("sync reminders of tenant %s: a row of tenant %s", tenant, want[i].Tenant)
		}
		if err := checkReminder(&want[i]); err != nil {
			return 0, 0, 0, fmt.Errorf("sync reminder %s/%s/%s: %w", want[i].Tenant, want[i].Kind, want[i].DueKey, err)
		}
		row := reminderToRow(&want[i])
		if !seen[row.KeyHash] {
			seen[row.KeyHash] = true
			rows = append(rows, row)
			subjects = append(subjects, row.Subject)
		}
	}
	slices.Sort(subjects)
	subjects = slices.Compact(subjects)
	slices.SortFunc(rows, func(a, b reminderRow) int { return strings.Compare(a.KeyHash, b.KeyHash) })
	cancelOf := make(map[string]bool, len(cancel))
	for _, s := range cancel {
		cancelOf[s] = true
	}
	err = db.inboxTx(ctx, func(tx *gorm.DB) error {
		created, moved, cancelled = 0, 0, 0 // a retried transaction counts afresh
		have := map[string]reminderRow{}
		for chunk := range slices.Chunk(subjects, syncReadChunk) {
			var part []reminderRow
			err := tx.Select("id", "key_hash", "subject", "status", "due_at", "expires_at", "short_notice", "provisional").
				Where("tenant = ? AND subject IN ?", tenant, chunk).Find(&part).Error
			if err != nil {
				return err
			}
			for _, h := range part {
				have[h.KeyHash] = h
			}
		}
		var fresh []reminderRow
		for i := range rows {
			w := &rows[i]
			if w.ExpiresAt != nil && !w.ExpiresAt.After(now) {
				continue
			}
			h, ok := have[w.KeyHash]
			if !ok {
				fresh = append(fresh, *w)
				continue
			}
			revive := h.Status == string(bot.ReminderCancelled) && cancelOf[h.Subject]
			if !revive && (h.Status != string(bot.ReminderPending) || sameDBTime(h.DueAt, w.DueAt) && sameDBTime(h.ExpiresAt, w.ExpiresAt) &&
				h.ShortNotice == w.ShortNotice && h.Provisional == w.Provisional) {
				continue
			}
			res := tx.Model(&reminderRow{}).Where("id = ? AND status = ?", h.ID, h.Status).Updates(map[string]any{
				"status": bot.ReminderPending, "due_at": w.DueAt, "expires_at": w.ExpiresAt, "short_notice": w.ShortNotice, "provisional": w.Provisional,
			})
			if res.Error != nil {
				return res.Error
			}
			moved += int(res.RowsAffected)
		}
		n, err := db.insertReminderRows(ctx, tx, fresh)
		if err != nil {
			return err
		}
		created = n
		var gone []int64
		for hash, h := range have {
			if !seen[hash] && cancelOf[h.Subject] && h.Status == string(bot.ReminderPending) {
				gone = append(gone, h.ID)
			}
		}
		slices.Sort(gone)
		for chunk := range slices.Chunk(gone, syncReadChunk) {
			res := tx.Model(&reminderRow{}).Where("id IN ? AND status = ?", chunk, bot.ReminderPending).
				Update("status", bot.ReminderCancelled)
			if res.Error != nil {
				return res.Error
			}
			cancelled += int(res.RowsAffected)
		}
		return nil
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("sync %d reminders of tenant %s: %w", len(rows), tenant, err)
	}
	return created, moved, cancelled, nil
}

// reminderInsertColumns are the columns a new pending row is written with;
// the lease and delivery columns stay NULL or zero.
var reminderInsertColumns = []string{"key_hash", "tenant", "platform", "plan_id", "subject", "kind", "due_key", "recipient",
	"to_chat", "status", "due_at", "expires_at", "attempts", "message_id", "short_notice", "provisional", "created_at"}

// bulkRows is how many rows one INSERT of insertReminderRows carries: under
// every driver's limit on bound parameters (PostgreSQL's 65,535), and
// small on SQLite, whose driver looks each parameter up among all of them
// (time quadratic in their number) and has no round trip to save.
func (db *DB) bulkRows() int {
	if db.kind == KindSQLite {
		return 25
	}
	return 1000
}

// insertReminderRows inserts rows in multi-row statements on the
// connection of tx, skipping any whose key is stored, and returns how many
// it inserted. The statement of bulkRows rows is prepared once and run for
// every full chunk: parsing it again each time cost SQLite more than
// storing the rows. It is written by hand rather than through GORM's
// CreateInBatches, whose reflection per row cost as much again.
func (db *DB) insertReminderRows(ctx context.Context, tx *gorm.DB, rows []reminderRow) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	pool := tx.Statement.ConnPool
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	n := 0
	args := make([]any, 0, db.bulkRows()*len(reminderInsertColumns))
	for chunk := range slices.Chunk(rows, db.bulkRows()) {
		args = args[:0]
		for i := range chunk {
			r := &chunk[i]
			args = append(args, r.KeyHash, r.Tenant, r.Platform, r.PlanID, r.Subject, r.Kind, r.DueKey, r.Recipient,
				r.ToChat, r.Status, timeArg(r.DueAt), timeArg(r.ExpiresAt), 0, "", r.ShortNotice, r.Provisional, timeArg(r.CreatedAt))
		}
		var res sql.Result
		var err error
		if len(chunk) == db.bulkRows() {
			if full == nil {
				if full, err = pool.PrepareContext(ctx, db.insertRemindersSQL(len(chunk))); err != nil {
					return n, err
				}
			}
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = pool.ExecContext(ctx, db.insertRemindersSQL(len(chunk)), args...)
		}
		if err != nil {
			return n, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return n, err
		}
		n += int(k)
	}
	return n, nil
}

// insertRemindersSQL is the INSERT of rows new reminders that skips a
// stored key, in the database's dialect.
func (db *DB) insertRemindersSQL(rows int) string {
	var sb strings.Builder
	if db.kind == KindMySQL {
		sb.WriteString("INSERT IGNORE INTO reminders (")
	} else {
		sb.WriteString("INSERT INTO reminders (")
	}
	sb.WriteString(strings.Join(reminderInsertColumns, ", "))
	sb.WriteString(") VALUES ")
	arg := 0
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range reminderInsertColumns {
			if c > 0 {
				sb.WriteByte(',')
			}
			arg++
			if db.kind == KindPostgres {
				sb.WriteString("$" + strconv.Itoa(arg))
			} else {
				sb.WriteByte('?')
			}
		}
		sb.WriteByte(')')
	}
	if db.kind != KindMySQL {
		sb.WriteString(" ON CONFLICT (key_hash) DO NOTHING")
	}
	return sb.String()
}

// timeArg is a nullable time column as a driver argument.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
