package storage

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// pgArrayRows is how many rows one PostgreSQL INSERT of
// insertRemindersArrays carries.
const pgArrayRows = 5000

// pgInsertArrays inserts rows given column by column as arrays, one
// parameter per column whatever the number of rows, skipping a stored key;
// the constant columns of a new row are written in the statement.
var pgInsertArrays = "INSERT INTO reminders (" + strings.Join(reminderInsertColumns, ", ") + ") " +
	"SELECT k, t, pf, pid, s, kd, dk, rc, tc, 'pending', da, ea, 0, '', sn, pv, ca FROM unnest(" +
	"$1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], " +
	"$10::timestamptz[], $11::timestamptz[], $12::boolean[], $13::boolean[], $14::timestamptz[]) " +
	"AS r(k, t, pf, pid, s, kd, dk, rc, tc, da, ea, sn, pv, ca) ON CONFLICT (key_hash) DO NOTHING"

// insertRemindersArrays is insertReminderRows on PostgreSQL: fourteen
// array parameters per statement instead of seventeen per row, so that the
// server parses and plans one short statement for thousands of rows,
// which a multi-row VALUES list of as many parameters cost it many times
// over. Only pending rows are inserted (SyncReminders creates no other).
func insertRemindersArrays(ctx context.Context, pool gorm.ConnPool, rows []reminderRow) (int, error) {
	n := 0
	for chunk := range slices.Chunk(rows, pgArrayRows) {
		c := newReminderColumns(len(chunk))
		for i := range chunk {
			c.add(&chunk[i])
		}
		k, err := affected(pool.ExecContext(ctx, pgInsertArrays, c.key, c.tenant, c.platform, c.planID, c.subject, c.kind,
			c.dueKey, c.recipient, c.toChat, c.dueAt, c.expiresAt, c.shortNotice, c.provisional, c.createdAt))
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// reminderColumns are new rows column by column.
type reminderColumns struct {
	key, tenant, platform, subject, kind, dueKey, recipient []string
	planID                                                  []int64
	toChat, shortNotice, provisional                        []bool
	dueAt, expiresAt, createdAt                             []*time.Time
}

func newReminderColumns(n int) *reminderColumns {
	return &reminderColumns{
		key: make([]string, 0, n), tenant: make([]string, 0, n), platform: make([]string, 0, n), subject: make([]string, 0, n),
		kind: make([]string, 0, n), dueKey: make([]string, 0, n), recipient: make([]string, 0, n), planID: make([]int64, 0, n),
		toChat: make([]bool, 0, n), shortNotice: make([]bool, 0, n), provisional: make([]bool, 0, n),
		dueAt: make([]*time.Time, 0, n), expiresAt: make([]*time.Time, 0, n), createdAt: make([]*time.Time, 0, n),
	}
}

func (c *reminderColumns) add(r *reminderRow) {
	c.key = append(c.key, r.KeyHash)
	c.tenant = append(c.tenant, r.Tenant)
	c.platform = append(c.platform, r.Platform)
	c.planID = append(c.planID, r.PlanID)
	c.subject = append(c.subject, r.Subject)
	c.kind = append(c.kind, r.Kind)
	c.dueKey = append(c.dueKey, r.DueKey)
	c.recipient = append(c.recipient, r.Recipient)
	c.toChat = append(c.toChat, r.ToChat)
	c.dueAt = append(c.dueAt, r.DueAt)
	c.expiresAt = append(c.expiresAt, r.ExpiresAt)
	c.shortNotice = append(c.shortNotice, r.ShortNotice)
	c.provisional = append(c.provisional, r.Provisional)
	c.createdAt = append(c.createdAt, r.CreatedAt)
}
