package storage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestSyncReminders on SQLite, and on PostgreSQL and MySQL when their
// variables are set: 1,200 new rows (more than one statement) read back as
// written, and a claim at a row's due time takes it while one a millisecond
// earlier does not (times are stored as bound times compare); a second sync
// that moves one row and drops another moves and cancels exactly those; a
// third that wants only the dropped one makes it pending again and cancels
// the rest; a row past its deadline is not created.
func TestSyncReminders(t *testing.T) {
	for _, b := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storagetest.SQLite}, {"postgres", storagetest.Postgres}, {"mysql", storagetest.MySQL}} {
		t.Run(b.name, func(t *testing.T) { testSyncReminders(t, openReminderDB(t, b.dsn(t))) })
	}
}

func testSyncReminders(t *testing.T, db *DB) {
	ctx := t.Context()
	due := time.Date(2026, 11, 27, 9, 0, 0, 123e6, time.UTC)
	want := many(1200, due)
	want[3].ToChat, want[4].ShortNotice, want[5].Provisional = true, true, true
	gone := rem("plan:1", "expired", "u1", due.Add(-48*time.Hour)) // deadline 40 h ago
	now := due.Add(-time.Hour)
	created, moved, cancelled, err := db.SyncReminders(ctx, "t1", append(want, gone), now, []string{"plan:1"})
	if err != nil || created != 1200 || moved != 0 || cancelled != 0 {
		t.Fatalf("first sync = %d created, %d moved, %d cancelled, %v; want 1200, 0, 0", created, moved, cancelled, err)
	}
	got := listAll(t, db, "t1")
	for i := range want {
		want[i].Status, want[i].CreatedAt = bot.ReminderPending, normTime(want[i].CreatedAt) // stored in UTC, to the millisecond
	}
	if diff := cmp.Diff(want, got, ignoreIDs); diff != "" {
		t.Fatalf("rows read back (-want +got):\n%s", diff)
	}
	if rs := claimDue(t, db, "a", due.Add(-time.Millisecond), 10); len(rs) != 0 {
		t.Fatalf("a claim a millisecond early took %s", dueKeys(rs))
	}
	if rs := claimDue(t, db, "a", due, 10); len(rs) != 1 || rs[0].DueKey != "k00000" {
		t.Fatalf("a claim at the due time took %s, want k00000", dueKeys(rs))
	}

	// Again: k00001 moves, k00002 is no longer wanted.
	again := append([]bot.Reminder(nil), want...)
	again[1].DueAt = again[1].DueAt.Add(time.Hour)
	again = append(again[:2], again[3:]...)
	created, moved, cancelled, err = db.SyncReminders(ctx, "t1", again, now, []string{"plan:1"})
	if err != nil || created != 0 || moved != 1 || cancelled != 1 {
		t.Fatalf("second sync = %d created, %d moved, %d cancelled, %v; want 0, 1, 1", created, moved, cancelled, err)
	}
	// Only k00002 wanted: it is pending again, and every other pending row
	// of plan:1 is cancelled, the claimed k00000 too (its MarkSent fails).
	created, moved, cancelled, err = db.SyncReminders(ctx, "t1", want[2:3], now, []string{"plan:1", "plan:2"})
	if err != nil || created != 0 || moved != 1 || cancelled != 1199 {
		t.Fatalf("third sync = %d created, %d moved, %d cancelled, %v; want 0, 1 (revived), 1199", created, moved, cancelled, err)
	}
	status := map[string]bot.ReminderStatus{}
	for _, r := range listAll(t, db, "t1") {
		status[r.DueKey] = r.Status
	}
	if status["k00000"] != bot.ReminderCancelled || status["k00001"] != bot.ReminderCancelled || status["k00002"] != bot.ReminderPending {
		t.Errorf("after the third sync: k00000 %s, k00001 %s, k00002 %s; want cancelled, cancelled, pending",
			status["k00000"], status["k00001"], status["k00002"])
	}

	// A sent row wanted again at another time stays as it was sent; a row
	// cancelled before the revive window is not made pending again.
	if err := db.gdb.Model(&reminderRow{}).Where("due_key = ?", "k00002").Update("status", bot.ReminderSent).Error; err != nil {
		t.Fatal(err)
	}
	late := append([]bot.Reminder(nil), want[2:5]...)
	late[0].DueAt = late[0].DueAt.Add(2 * time.Hour)
	later := now.Add(reviveWindow + 24*time.Hour)
	for i := range late[1:] {
		late[1+i].DueAt, late[1+i].ExpiresAt = later.Add(time.Hour), later.Add(2*time.Hour)
	}
	created, moved, cancelled, err = db.SyncReminders(ctx, "t1", late, later, []string{"plan:1"})
	if err != nil || created != 0 || moved != 0 || cancelled != 0 {
		t.Fatalf("fourth sync = %d created, %d moved, %d cancelled, %v; want 0, 0, 0", created, moved, cancelled, err)
	}
	for _, r := range listAll(t, db, "t1") {
		status[r.DueKey] = r.Status
	}
	if status["k00002"] != bot.ReminderSent || status["k00003"] != bot.ReminderCancelled || status["k00004"] != bot.ReminderCancelled {
		t.Errorf("after the fourth sync: k00002 %s, k00003 %s, k00004 %s; want sent, cancelled, cancelled",
			status["k00002"], status["k00003"], status["k00004"])
	}
}

// TestSyncKeepsExpiredPending: a pending row past its deadline that the
// dispatcher has not yet marked missed stays pending while the planner
// still wants it (for the dispatcher to mark it missed and count it), and
// is cancelled once the planner no longer does; the wanted row is not
// stored again.
func TestSyncKeepsExpiredPending(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openReminderDB(t, dsn)
		ctx := t.Context()
		due := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		late, other := rem("plan:1", "late", "u1", due), rem("plan:1", "other", "u1", due.Add(24*time.Hour))
		if n, _, _, err := db.SyncReminders(ctx, "t1", []bot.Reminder{late, other}, due.Add(-time.Hour), nil); err != nil || n != 2 {
			t.Fatalf("first sync created %d, %v; want 2", n, err)
		}
		after := due.Add(9 * time.Hour) // late's deadline (8 h) has passed
		created, moved, cancelled, err := db.SyncReminders(ctx, "t1", []bot.Reminder{late, other}, after, []string{"plan:1"})
		if err != nil || created != 0 || moved != 0 || cancelled != 0 {
			t.Fatalf("sync still wanting the late row = %d created, %d moved, %d cancelled, %v; want nothing", created, moved, cancelled, err)
		}
		if _, _, cancelled, err = db.SyncReminders(ctx, "t1", []bot.Reminder{other}, after, []string{"plan:1"}); err != nil || cancelled != 1 {
			t.Fatalf("sync no longer wanting the late row cancelled %d, %v; want 1", cancelled, err)
		}
		status := map[string]bot.ReminderStatus{}
		for _, r := range listAll(t, db, "t1") {
			status[r.DueKey] = r.Status
		}
		if status["late"] != bot.ReminderCancelled || status["other"] != bot.ReminderPending {
			t.Fatalf("statuses %v; want late cancelled, other pending", status)
		}
	})
}
