package storage

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

func claimDue(t *testing.T, db *DB, owner string, now time.Time, n int) []bot.Reminder {
	t.Helper()
	rs, err := db.ClaimDue(t.Context(), owner, now, n, time.Minute)
	if err != nil {
		t.Fatalf("ClaimDue by %s: %v", owner, err)
	}
	return rs
}

func dueKeys(rs []bot.Reminder) string {
	keys := make([]string, len(rs))
	for i, r := range rs {
		keys[i] = r.DueKey
	}
	return strings.Join(keys, " ")
}

func testClaimDue(t *testing.T, db *DB) {
	upsert(t, db, rem("plan:1", "late", "u1", at(20, 17)), rem("plan:1", "early", "u1", at(20, 9)),
		rem("plan:1", "now", "u1", at(21, 9)), rem("plan:1", "future", "u1", at(21, 10)))
	now := at(21, 9)
	if got := dueKeys(claimDue(t, db, "w1", now, 2)); got != "early late" {
		t.Fatalf("first claim: %q, want the two oldest due", got)
	}
	got := claimDue(t, db, "w2", now, 10)
	if dueKeys(got) != "now" || got[0].Attempts != 1 || got[0].LeaseOwner != "w2" ||
		!got[0].LeaseUntil.Equal(now.Add(time.Minute).Truncate(time.Millisecond)) {
		t.Fatalf("second claim: %+v, want \"now\" leased to w2 for a minute", got)
	}
	for _, tick := range []time.Duration{30 * time.Second, time.Minute} {
		if got := claimDue(t, db, "w3", now.Add(tick), 10); len(got) != 0 {
			t.Fatalf("claim %v into the leases: %q, want none", tick, dueKeys(got))
		}
	}
	got = claimDue(t, db, "w3", now.Add(time.Hour), 10)
	if dueKeys(got) != "early late now future" {
		t.Fatalf("claim after the leases: %q", dueKeys(got))
	}
	for _, r := range got {
		if want := map[bool]int{true: 1, false: 2}[r.DueKey == "future"]; r.Attempts != want {
			t.Errorf("%s at attempt %d, want %d", r.DueKey, r.Attempts, want)
		}
	}
	stored := listAll(t, db, "t1")
	if diff := cmp.Diff(got, stored, msEqual); diff != "" {
		t.Errorf("claimed vs stored (-claimed +stored):\n%s", diff)
	}
}

func testReleaseReminders(t *testing.T, db *DB) {
	upsert(t, db, rem("plan:1", "w1", "u1", at(20, 17)), rem("plan:1", "w2", "u1", at(20, 17)))
	now := at(20, 18)
	rs := claimDue(t, db, "w1", now, 10)
	ids := []int64{rs[0].ID, rs[1].ID}
	if n, err := db.ReleaseReminders(t.Context(), "w2", ids); err != nil || n != 0 {
		t.Fatalf("release by another owner = %d, %v; want 0", n, err)
	}
	if n, err := db.ReleaseReminders(t.Context(), "w1", ids[:1]); err != nil || n != 1 {
		t.Fatalf("release = %d, %v; want 1", n, err)
	}
	got := claimDue(t, db, "w2", now, 10) // at once, not after the lease
	if len(got) != 1 || got[0].ID != ids[0] || got[0].Attempts != 1 {
		t.Fatalf("claim after release: %+v; want reminder %d at attempt 1", got, ids[0])
	}
}

func testReminderFencing(t *testing.T, db *DB) {
	upsert(t, db, rem("plan:1", "w1", "u1", at(20, 17)), rem("plan:1", "w2", "u1", at(20, 17)))
	now := at(20, 18)
	first := claimDue(t, db, "w1", now, 10)
	// w1 pauses past its lease; w2 takes over, sends and marks.
	second := claimDue(t, db, "w2", now.Add(2*time.Minute), 1)
	if len(second) != 1 || second[0].ID != first[0].ID || second[0].Attempts != 2 {
		t.Fatalf("takeover claimed %+v", second)
	}
	id := second[0].ID
	if err := db.MarkSent(t.Context(), id, "w2", now.Add(2*time.Minute), "msg-2"); err != nil {
		t.Fatalf("MarkSent by the new owner: %v", err)
	}
	for name, err := range map[string]error{
		"MarkSent by the old owner":   db.MarkSent(t.Context(), id, "w1", now.Add(3*time.Minute), "msg-1"),
		"MarkMissed by the old owner": db.MarkMissed(t.Context(), id, "w1", now.Add(3*time.Minute)),
		"MarkSent twice":              db.MarkSent(t.Context(), id, "w2", now.Add(3*time.Minute), "msg-3"),
		"MarkSent by no owner":        db.MarkSent(t.Context(), first[1].ID, "w3", now, "msg-4"),
	} {
		if !errors.Is(err, ErrLeaseLost) {
			t.Errorf("%s: %v, want ErrLeaseLost", name, err)
		}
	}
	// w1's expired lease on the other row was not taken over: it still holds it.
	if err := db.MarkMissed(t.Context(), first[1].ID, "w1", now.Add(3*time.Minute)); err != nil {
		t.Fatalf("MarkMissed on an expired lease no one took: %v", err)
	}
	got := listAll(t, db, "t1")
	if r := got[0]; r.Status != bot.ReminderSent || r.MessageID != "msg-2" || r.LeaseOwner != "w2" ||
		!r.SentAt.Equal(now.Add(2*time.Minute).Truncate(time.Millisecond)) {
		t.Errorf("sent row: %+v", r)
	}
	if r := got[1]; r.Status != bot.ReminderMissed || !r.SentAt.IsZero() || r.MessageID != "" {
		t.Errorf("missed row: %+v", r)
	}
	if rs := claimDue(t, db, "w3", now.Add(time.Hour), 10); len(rs) != 0 {
		t.Errorf("finished rows claimed again: %q", dueKeys(rs))
	}
	// A reminder cancelled while leased cannot be marked sent.
	upsert(t, db, rem("plan:1", "w3", "u1", at(20, 17)))
	rs := claimDue(t, db, "w4", now, 1)
	if _, err := db.CancelPending(t.Context(), "t1", "plan:1", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(t.Context(), rs[0].ID, "w4", now, "msg-5"); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("MarkSent after cancel: %v, want ErrLeaseLost", err)
	}
}

func testConcurrentReminderClaims(t *testing.T, db *DB) {
	const total = 300
	upsert(t, db, many(total, at(20, 9))...)
	now := at(21, 9)
	claimed := make([][]bot.Reminder, 2)
	errs := make([]error, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range claimed {
		wg.Go(func() {
			<-start
			for {
				rs, err := db.ClaimDue(t.Context(), fmt.Sprintf("w%d", w), now, 10, time.Hour)
				if err != nil || len(rs) == 0 {
					errs[w] = err
					return
				}
				claimed[w] = append(claimed[w], rs...)
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	seen := make(map[int64]int)
	for _, rs := range claimed {
		for _, r := range rs {
			seen[r.ID]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("reminder %d claimed %d times", id, n)
		}
	}
	if len(seen) != total {
		t.Errorf("%d reminders claimed, want %d", len(seen), total)
	}
	t.Logf("claimers took %d and %d", len(claimed[0]), len(claimed[1]))
}

func testListReminders(t *testing.T, db *DB) {
	monthly := rem("plan:2", "2026-11", "m1", at(25, 10))
	monthly.Kind = bot.RemindMonthly
	other := rem("plan:9", "2026-W48", "u9", at(26, 17))
	other.Tenant = "t2"
	upsert(t, db, rem("plan:1", "2026-W48", "u1", at(27, 17)), monthly, other, rem("plan:1", "2026-W47", "u1", at(20, 17)))
	if _, err := db.CancelPending(t.Context(), "t1", "plan:1", nil, []string{"2026-W48"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, tenant string
		f            ReminderFilter
		want         string
	}{
		{"all of t1", "t1", ReminderFilter{}, "2026-W47 2026-11 2026-W48"},
		{"every tenant", "", ReminderFilter{}, "2026-W47 2026-11 2026-W48 2026-W48"},
		{"from", "t1", ReminderFilter{From: at(25, 10)}, "2026-11 2026-W48"},
		{"to", "t1", ReminderFilter{To: at(25, 10)}, "2026-W47"},
		{"status", "t1", ReminderFilter{Status: bot.ReminderPending}, "2026-11 2026-W48"},
		{"kind", "", ReminderFilter{Kind: bot.RemindWeekly}, "2026-W47 2026-W48 2026-W48"},
		{"limit", "", ReminderFilter{Status: bot.ReminderPending, Limit: 2}, "2026-11 2026-W48"},
	} {
		rs, err := db.ListReminders(t.Context(), c.tenant, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := dueKeys(rs); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		status bot.ReminderStatus
		before time.Time
		want   int
	}{{bot.ReminderPending, time.Time{}, 3}, {bot.ReminderPending, at(26, 17), 1}, {bot.ReminderCancelled, time.Time{}, 1}} {
		if n, err := db.CountReminders(t.Context(), c.status, c.before); err != nil || n != c.want {
			t.Errorf("CountReminders(%s, %v) = %d, %v; want %d", c.status, c.before, n, err, c.want)
		}
	}
}

func testInvalidReminders(t *testing.T, db *DB) {
	ok := rem("plan:1", "w1", "u1", at(20, 17))
	for name, change := range map[string]func(*bot.Reminder){
		"no tenant":      func(r *bot.Reminder) { r.Tenant = "" },
		"no recipient":   func(r *bot.Reminder) { r.Recipient = "" },
		"no due time":    func(r *bot.Reminder) { r.DueAt = time.Time{} },
		"long subject":   func(r *bot.Reminder) { r.Subject = strings.Repeat("s", maxReminderSubject+1) },
		"long due key":   func(r *bot.Reminder) { r.DueKey = strings.Repeat("键", maxReminderDueKey+1) },
		"long recipient": func(r *bot.Reminder) { r.Recipient = strings.Repeat("u", maxReminderRecipient+1) },
	} {
		bad := ok
		change(&bad)
		if n, err := db.UpsertReminders(t.Context(), []bot.Reminder{ok, bad}); err == nil || n != 0 {
			t.Errorf("upsert with %s = %d, %v; want an error", name, n, err)
		}
	}
	longest := ok
	longest.Tenant, longest.Subject = strings.Repeat("租", maxReminderTenant), strings.Repeat("主", maxReminderSubject)
	longest.DueKey, longest.Recipient = strings.Repeat("键", maxReminderDueKey), strings.Repeat("人", maxReminderRecipient)
	if n := upsert(t, db, ok, longest); n != 2 {
		t.Errorf("upsert of the longest key created %d, want 2", n)
	}
	for name, claim := range map[string]func() error{
		"no owner": func() error { _, err := db.ClaimDue(t.Context(), "", at(21, 9), 1, time.Minute); return err },
		"n = 0":    func() error { _, err := db.ClaimDue(t.Context(), "w", at(21, 9), 0, time.Minute); return err },
		"no lease": func() error { _, err := db.ClaimDue(t.Context(), "w", at(21, 9), 1, 0); return err },
	} {
		if claim() == nil {
			t.Errorf("ClaimDue with %s succeeded", name)
		}
	}
}
