package storage

import (
	"context"
	"database/sql"
	"encoding/json"
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

// reviveWindow is how far back SyncReminders reads cancelled rows, the
// ones a plan may want again: a row's key names its week, month or day, so
// a wanted row's deadline is within days of the cancelled one's. Sent,
// missed and older cancelled rows, which pile up under a subject over the
// months a plan runs, are not read at all: a wanted row whose key one of
// them holds is skipped by the insert.
const reviveWindow = 60 * 24 * time.Hour

// SyncReminders makes the tenant's stored reminders match want, the rows
// the planner wants for some plans, in one transaction: it reads the
// pending and recently cancelled rows stored under the subjects of want and
// of cancel, inserts the wanted ones
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
	var expired []*bot.Reminder
	subjects := slices.Clone(cancel)
	for i := range want {
		if want[i].Tenant != tenant {
			return 0, 0, 0, fmt.Errorf("sync reminders of tenant %s: a row of tenant %s", tenant, want[i].Tenant)
		}
		if err := checkReminder(&want[i]); err != nil {
			return 0, 0, 0, fmt.Errorf("sync reminder %s/%s/%s: %w", want[i].Tenant, want[i].Kind, want[i].DueKey, err)
		}
		if !want[i].ExpiresAt.IsZero() && !want[i].ExpiresAt.After(now) {
			// Past its deadline: wanted only to keep a stored pending row
			// from being cancelled, so hashed below only when one may be.
			expired = append(expired, &want[i])
			subjects = append(subjects, want[i].Subject)
			continue
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
		if db.kind == KindPostgres {
			// The reads below run as prepared statements; a generic plan
			// made while the table was small would scan it whole when it
			// has grown, as on the first pass over an empty outbox.
			if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
				return err
			}
		}
		for chunk := range slices.Chunk(subjects, syncReadChunk) {
			var part []reminderRow
			err := tx.Select("id", "key_hash", "subject", "status", "due_at", "expires_at", "short_notice", "provisional").
				Where("tenant = ? AND subject IN ?", tenant, chunk).
				Where("status = ? OR (status = ? AND expires_at > ?)", bot.ReminderPending, bot.ReminderCancelled, normTime(now.Add(-reviveWindow))).
				Find(&part).Error
			if err != nil {
				return err
			}
			for _, h := range part {
				have[h.KeyHash] = h
			}
		}
		keepExpired(have, cancelOf, expired, seen)
		var fresh []reminderRow
		for i := range rows {
			w := &rows[i]
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
			res := tx.Model(&reminderRow{}).Where(db.idsInStatus("id = ?"), h.ID, h.Status).Updates(map[string]any{
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
			res := tx.Model(&reminderRow{}).Where(db.idsInStatus("id IN ?"), chunk, bot.ReminderPending).
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

// keepExpired marks as seen the keys of the wanted rows past their
// deadline that a pending row read under a cancelled subject holds, so
// that it is not cancelled: the dispatcher marks it missed instead. Only
// those rows' keys are hashed: on a first pass over an empty outbox, about
// half of what the planner wants, none. seen of a retried transaction
// keeps the keys of the try before, which are the same.
func keepExpired(have map[string]reminderRow, cancelOf map[string]bool, expired []*bot.Reminder, seen map[string]bool) {
	if len(expired) == 0 {
		return
	}
	held := map[string]bool{}
	for _, h := range have {
		if h.Status == string(bot.ReminderPending) && cancelOf[h.Subject] {
			held[h.Subject] = true
		}
	}
	for _, r := range expired {
		if held[r.Subject] {
			seen[reminderKeyHash(r)] = true
		}
	}
}

// idsInStatus is the condition ids (by cond) still in a status (the second
// argument), for updating rows SyncReminders read in its transaction. On
// PostgreSQL and MySQL a dispatcher may have sent one since; SQLite's
// transaction holds the write lock from its start, so nothing can have
// changed, and there the status is checked in a way that keeps SQLite from
// choosing the dispatchers' (status, due_at) index over the primary key,
// which read every pending row per statement.
func (db *DB) idsInStatus(cond string) string {
	if db.kind == KindSQLite {
		return cond + " AND +status = ?"
	}
	return cond + " AND status = ?"
}

// reminderInsertColumns are the columns a new pending row is written with;
// the lease and delivery columns stay NULL or zero.
var reminderInsertColumns = []string{"key_hash", "tenant", "platform", "plan_id", "subject", "kind", "due_key", "recipient",
	"to_chat", "status", "due_at", "expires_at", "attempts", "message_id", "short_notice", "provisional", "created_at"}

// bulkRows is how many rows one INSERT of insertReminderRows carries on
// PostgreSQL and MySQL: under their limit on bound parameters (65,535).
func (db *DB) bulkRows() int { return 1000 }

// sqliteJSONRows is how many rows one SQLite INSERT carries.
const sqliteJSONRows = 500

// sqliteJSONColumns are the columns of reminderInsertColumns that differ
// from row to row, in the order of each row's JSON array; the tenant is
// bound once per statement and the others are constants of a new row.
var sqliteJSONColumns = []string{"key_hash", "platform", "plan_id", "subject", "kind", "due_key", "recipient",
	"to_chat", "due_at", "expires_at", "short_notice", "provisional", "created_at"}

// sqliteInsertJSON inserts the rows of a JSON array of arrays (the second
// parameter), one array per row in the order of sqliteJSONColumns, for
// the tenant of the first parameter, skipping a stored key. SQLite writes
// json_each's value out afresh each time it is read, so each row's array
// is written out once into a materialised table and its columns read from
// that (a tenth less time per row than reading value thirteen times), and
// the columns every row shares are not in it. (The WHERE lets SQLite parse
// the upsert after a SELECT.)
var sqliteInsertJSON = func() string {
	cols := make([]string, len(sqliteJSONColumns))
	for i := range cols {
		cols[i] = "value ->> " + strconv.Itoa(i)
	}
	return "WITH r(value) AS MATERIALIZED (SELECT value FROM json_each(?2)) " +
		"INSERT INTO reminders (tenant, status, attempts, message_id, " + strings.Join(sqliteJSONColumns, ", ") + ") SELECT ?1, '" +
		string(bot.ReminderPending) + "', 0, '', " + strings.Join(cols, ", ") + " FROM r WHERE true ON CONFLICT (key_hash) DO NOTHING"
}()

// insertRemindersJSON is insertReminderRows on SQLite: the rows go in as
// one JSON parameter per statement, which SQLite unpacks itself. Its Go
// driver parses the statement on every execution and looks each parameter
// up among all of them (time quadratic in their number), which cost more
// than storing the rows when they were bound one column at a time. Times
// are written as the driver writes them, so that comparisons with bound
// times hold. All rows are of one tenant (SyncReminders checks).
func insertRemindersJSON(ctx context.Context, pool gorm.ConnPool, rows []reminderRow) (int, error) {
	n := 0
	for chunk := range slices.Chunk(rows, sqliteJSONRows) {
		vals := make([][]any, len(chunk))
		for i := range chunk {
			r := &chunk[i]
			vals[i] = []any{r.KeyHash, r.Platform, r.PlanID, r.Subject, r.Kind, r.DueKey, r.Recipient,
				boolInt(r.ToChat), sqliteTime(r.DueAt), sqliteTime(r.ExpiresAt), boolInt(r.ShortNotice),
				boolInt(r.Provisional), sqliteTime(r.CreatedAt)}
		}
		data, err := json.Marshal(vals)
		if err != nil {
			return n, err
		}
		k, err := affected(pool.ExecContext(ctx, sqliteInsertJSON, chunk[0].Tenant, string(data)))
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// affected is the rows an Exec affected.
func affected(res sql.Result, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	k, err := res.RowsAffected()
	return int(k), err
}

// sqliteTimeFormat is how the SQLite driver writes a time.
const sqliteTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// sqliteTime is a nullable time column as the SQLite driver writes it.
func sqliteTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(sqliteTimeFormat)
}

// boolInt is a boolean column as the SQLite driver writes it.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
	switch db.kind {
	case KindSQLite:
		return insertRemindersJSON(ctx, pool, rows)
	case KindPostgres:
		return insertRemindersArrays(ctx, pool, rows)
	}
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
		k, err := affected(res, err)
		n += k
		if err != nil {
			return n, err
		}
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
