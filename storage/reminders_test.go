package storage

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestReminders runs the contract of the reminder outbox on SQLite, and on
// PostgreSQL and MySQL when their variables are set. Claims are not scoped
// by tenant, so each subtest gets a fresh database.
func TestReminders(t *testing.T) {
	for _, b := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storagetest.SQLite}, {"postgres", storagetest.Postgres}, {"mysql", storagetest.MySQL}} {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range []struct {
				name string
				fn   func(*testing.T, *DB)
			}{
				{"Upsert", testUpsertReminders}, {"ConcurrentPlanners", testConcurrentPlanners},
				{"Replan", testReplanReminders}, {"Cancel", testCancelReminders},
				{"List", testListReminders}, {"Invalid", testInvalidReminders},
				{"Claim", testClaimDue}, {"Release", testReleaseReminders}, {"Fencing", testReminderFencing},
				{"ConcurrentClaims", testConcurrentReminderClaims},
			} {
				t.Run(c.name, func(t *testing.T) { c.fn(t, openReminderDB(t, b.dsn(t))) })
			}
		})
	}
}

// openReminderDB opens and migrates dsn once (the contract suite proves
// Migrate idempotent, reminders included).
func openReminderDB(t *testing.T, dsn string) *DB {
	t.Helper()
	db, err := Open(t.Context(), dsn, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

// rem is a pending weekly reminder of tenant t1 for recipient to, due at due
// and missed 8 hours later.
func rem(subject, dueKey, to string, due time.Time) bot.Reminder {
	return bot.Reminder{
		Tenant: "t1", Platform: "lark", PlanID: 7, Subject: subject, Kind: bot.RemindWeekly,
		DueKey: dueKey, Recipient: to, DueAt: due, ExpiresAt: due.Add(8 * time.Hour), CreatedAt: at(1, 9),
	}
}

func upsert(t *testing.T, db *DB, rs ...bot.Reminder) int {
	t.Helper()
	n, err := db.UpsertReminders(t.Context(), rs)
	if err != nil {
		t.Fatalf("UpsertReminders: %v", err)
	}
	return n
}

func listAll(t *testing.T, db *DB, tenant string) []bot.Reminder {
	t.Helper()
	rs, err := db.ListReminders(t.Context(), tenant, ReminderFilter{})
	if err != nil {
		t.Fatalf("ListReminders: %v", err)
	}
	return rs
}

// many is n distinct reminders of one subject, due in turn a second apart.
func many(n int, due time.Time) []bot.Reminder {
	rs := make([]bot.Reminder, n)
	for i := range rs {
		rs[i] = rem("plan:1", fmt.Sprintf("k%05d", i), "u1", due.Add(time.Duration(i)*time.Second))
	}
	return rs
}

// ignoreIDs compares reminders by content.
var ignoreIDs = cmpopts.IgnoreFields(bot.Reminder{}, "ID")

func testUpsertReminders(t *testing.T, db *DB) {
	a, b := rem("plan:1", "2026-W48", "u1", at(27, 17)), rem("plan:1", "2026-W48", "u2", at(27, 17))
	if n := upsert(t, db, a, b, a); n != 2 {
		t.Fatalf("first upsert created %d, want 2", n)
	}
	if n := upsert(t, db, b, a); n != 0 {
		t.Fatalf("second upsert created %d, want 0", n)
	}
	// "|" inside a part does not make two keys one.
	x, y := rem("plan:1|2026-W48", "u3", "u4", at(27, 17)), rem("plan:1", "2026-W48|u3", "u4", at(27, 17))
	if n := upsert(t, db, x, y); n != 2 {
		t.Fatalf("upsert of keys that join alike created %d, want 2", n)
	}
	a.Status, b.Status = bot.ReminderPending, bot.ReminderPending
	got := listAll(t, db, "t1")
	got = slices.DeleteFunc(got, func(r bot.Reminder) bool { return r.Recipient != "u1" })
	if diff := cmp.Diff([]bot.Reminder{a}, got, msEqual, ignoreIDs); diff != "" || got[0].ID == 0 {
		t.Errorf("stored reminder (-want +got):\n%s", diff)
	}
	// More rows than a chunk, then the same again.
	rs := many(2*reminderChunk+7, at(28, 9))
	if n := upsert(t, db, rs...); n != len(rs) {
		t.Fatalf("bulk upsert created %d, want %d", n, len(rs))
	}
	if n := upsert(t, db, rs...); n != 0 {
		t.Fatalf("bulk upsert again created %d, want 0", n)
	}
	if got := len(listAll(t, db, "t1")); got != len(rs)+4 {
		t.Errorf("%d rows stored, want %d", got, len(rs)+4)
	}
}

func testConcurrentPlanners(t *testing.T, db *DB) {
	const planners = 4
	rs := many(1200, at(28, 9))
	created := make([]int, planners)
	errs := make([]error, planners)
	var wg sync.WaitGroup
	for p := range planners {
		mine := append([]bot.Reminder(nil), rs...)
		rand.Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
		wg.Go(func() { created[p], errs[p] = db.UpsertReminders(t.Context(), mine) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range created {
		total += n
	}
	if total != len(rs) {
		t.Errorf("planners created %v, %d in all; want %d", created, total, len(rs))
	}
	if n, err := db.CountReminders(t.Context(), bot.ReminderPending, time.Time{}); err != nil || n != len(rs) {
		t.Errorf("CountReminders = %d, %v; want %d", n, err, len(rs))
	}
}

func testReplanReminders(t *testing.T, db *DB) {
	pending, sent, cancelled := rem("plan:1", "w1", "u1", at(20, 17)), rem("plan:1", "w2", "u1", at(20, 17)), rem("plan:1", "w3", "u1", at(20, 17))
	upsert(t, db, pending, sent, cancelled)
	rs := claimDue(t, db, "w", at(20, 18), 10)
	if err := db.MarkSent(t.Context(), idOf(t, rs, "w2"), "w", at(20, 18), "m1"); err != nil {
		t.Fatal(err)
	}
	if err := db.CancelReminder(t.Context(), "t1", idOf(t, rs, "w3")); err != nil {
		t.Fatal(err)
	}
	moved := func(r bot.Reminder) bot.Reminder {
		r.DueAt, r.ExpiresAt, r.Provisional, r.ShortNotice = at(21, 10), time.Time{}, true, true
		return r
	}
	if n := upsert(t, db, moved(pending), moved(sent), moved(cancelled)); n != 0 {
		t.Fatalf("re-plan created %d", n)
	}
	got := listAll(t, db, "t1")
	for _, r := range got {
		moved := r.DueAt.Equal(at(21, 10).Truncate(time.Millisecond)) && r.ExpiresAt.IsZero() && r.Provisional && r.ShortNotice
		if moved != (r.DueKey == "w1") {
			t.Errorf("%s (%s): due %v, expires %v, provisional %v, short %v", r.DueKey, r.Status, r.DueAt, r.ExpiresAt, r.Provisional, r.ShortNotice)
		}
	}
	if r := got[len(got)-1]; r.DueKey != "w1" || r.Attempts != 1 || r.LeaseOwner != "w" {
		t.Errorf("re-planned row lost its lease: %+v", r)
	}
}

// idOf finds the claimed reminder with dueKey.
func idOf(t *testing.T, rs []bot.Reminder, dueKey string) int64 {
	t.Helper()
	for _, r := range rs {
		if r.DueKey == dueKey {
			return r.ID
		}
	}
	t.Fatalf("no reminder %s among %d", dueKey, len(rs))
	return 0
}

func testCancelReminders(t *testing.T, db *DB) {
	mk := func(subject string, kind bot.ReminderKind, dueKey string) bot.Reminder {
		r := rem(subject, dueKey, "u1", at(20, 17))
		r.Kind = kind
		return r
	}
	upsert(t, db, mk("plan:1", bot.RemindWeekly, "w1"), mk("plan:1", bot.RemindWeekly, "w2"),
		mk("plan:1", bot.RemindMissed, "w1"), mk("plan:1", bot.RemindMonthly, "m1"), mk("plan:2", bot.RemindWeekly, "w1"))
	n, err := db.CancelPending(t.Context(), "t1", "plan:1", []bot.ReminderKind{bot.RemindWeekly, bot.RemindMissed}, []string{"w2"})
	if err != nil || n != 2 {
		t.Fatalf("CancelPending = %d, %v; want 2", n, err)
	}
	if n, err := db.CancelPending(t.Context(), "t2", "plan:1", nil, nil); err != nil || n != 0 {
		t.Fatalf("CancelPending in another tenant = %d, %v; want 0", n, err)
	}
	var status []string
	var other int64 // plan:2's reminder
	for _, r := range listAll(t, db, "t1") {
		status = append(status, fmt.Sprintf("%s/%s/%s=%s", r.Subject, r.Kind, r.DueKey, r.Status))
		if r.Subject == "plan:2" {
			other = r.ID
		}
	}
	slices.Sort(status)
	want := "plan:1/missed_update/w1=cancelled plan:1/monthly_review/m1=pending plan:1/weekly_update/w1=cancelled " +
		"plan:1/weekly_update/w2=pending plan:2/weekly_update/w1=pending"
	if got := strings.Join(status, " "); got != want {
		t.Errorf("after CancelPending:\n got %s\nwant %s", got, want)
	}
	if n, err := db.CancelPending(t.Context(), "t1", "plan:1", nil, nil); err != nil || n != 2 {
		t.Fatalf("CancelPending of every kind = %d, %v; want 2", n, err)
	}
	id := other
	if err := db.CancelReminder(t.Context(), "t2", id); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("CancelReminder in another tenant: %v, want ErrNotFound", err)
	}
	for range 2 { // the second time it is no longer pending: no error
		if err := db.CancelReminder(t.Context(), "t1", id); err != nil {
			t.Errorf("CancelReminder: %v", err)
		}
	}
	if n, _ := db.CountReminders(t.Context(), bot.ReminderPending, time.Time{}); n != 0 {
		t.Errorf("%d pending left, want 0", n)
	}
}
