package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// flakyOutbox is a memOutbox that fails every write of one tenant, and can
// run a hook before each write; it records the writes in their order.
type flakyOutbox struct {
	memOutbox
	failTenant string
	before     func(call int)
	mu         sync.Mutex
	calls      []string // tenant of each write
}

func (f *flakyOutbox) SyncReminders(ctx context.Context, tenant string, want []bot.Reminder, now time.Time, cancel []string) (int, int, int, error) {
	f.mu.Lock()
	f.calls = append(f.calls, tenant)
	n := len(f.calls)
	f.mu.Unlock()
	if f.before != nil {
		f.before(n)
	}
	if err := ctx.Err(); err != nil {
		return 0, 0, 0, err
	}
	if tenant == f.failTenant {
		return 0, 0, 0, errors.New("disk full")
	}
	return f.memOutbox.SyncReminders(ctx, tenant, want, now, cancel)
}

// pipelineStore is two tenants of 7 active plans each on a SQLite store,
// and a planner over it writing to out, 2 plans a page.
func pipelineStore(t *testing.T) (*storage.DB, time.Time) {
	t.Helper()
	ctx := t.Context()
	db, err := storage.Open(ctx, storagetest.SQLite(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sh := mustLoc(t, "Asia/Shanghai")
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, sh) // Monday
	for _, tenant := range []string{"console:a", "console:b"} {
		for i := range 7 {
			emp := fmt.Sprintf("u_e%d", i)
			for _, p := range []bot.Person{{ID: emp, ManagerID: "u_m"}, {ID: "u_m"}} {
				p.Tenant, p.TZ, p.UpdatedAt = tenant, "Asia/Shanghai", now
				if err := db.SavePerson(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			p := &bot.Plan{Tenant: tenant, Platform: "console", Title: "改进", EmployeeID: emp, ManagerID: "u_m", CreatedBy: "u_m",
				EmployeeType: bot.TypeUnderPerformer, Status: bot.StatusActive, Cycle: 1, Start: bot.DateOnly(now.AddDate(0, 0, -14)),
				End: bot.DateOnly(now.AddDate(0, 1, 0)), CreatedAt: now, UpdatedAt: now, StartedAt: now, ApprovedAt: now, AckedAt: now,
				Goals: []bot.Goal{{No: 1, Metric: "销售额", Baseline: 1, Target: 2, Unit: "元", Deadline: bot.DateOnly(now.AddDate(0, 1, 0))}}}
			if err := db.CreatePlan(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db, now
}

func pipelinePlanner(t *testing.T, db *storage.DB, out scheduler.PlanWriter, now time.Time) *scheduler.Planner {
	t.Helper()
	pl, err := scheduler.NewPlanner(scheduler.PlannerOptions{Source: db.Reader(), Reminders: out, Calendar: newCalendar(t),
		TZ: now.Location(), Clock: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler), PageSize: 2,
		Horizon: 7 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// TestPlanPassOverlapsWrites: a full pass reads and computes the next
// group while the last one is written. One tenant's failing writes are
// reported, in the pass's error, and the other tenant is still planned in
// full, exactly as a pass whose writes all succeed plans it.
func TestPlanPassOverlapsWrites(t *testing.T) {
	db, now := pipelineStore(t)
	ctx := t.Context()
	good := &flakyOutbox{memOutbox: memOutbox{rows: map[string]bot.Reminder{}}}
	if err := pipelinePlanner(t, db, good, now).Plan(ctx, now); err != nil {
		t.Fatalf("pass with every write succeeding: %v", err)
	}
	flaky := &flakyOutbox{memOutbox: memOutbox{rows: map[string]bot.Reminder{}}, failTenant: "console:a"}
	err := pipelinePlanner(t, db, flaky, now).Plan(ctx, now)
	if err == nil || !strings.Contains(err.Error(), "console:a") || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("pass with tenant a's writes failing returned %v, want tenant a's error", err)
	}
	if len(good.calls) != len(flaky.calls) || len(good.calls) < 8 {
		t.Fatalf("writes: %d when all succeed, %d with failures; want the same, and at least one per page of 2 of 14 plans",
			len(good.calls), len(flaky.calls))
	}
	count := func(calls []string) map[string]int {
		m := map[string]int{}
		for _, c := range calls {
			m[c]++
		}
		return m
	}
	if g, f := count(good.calls), count(flaky.calls); g["console:a"] != f["console:a"] || g["console:b"] != f["console:b"] {
		t.Fatalf("writes by tenant: %v when all succeed, %v with tenant a failing; want the same", g, f)
	}
	var wantB, gotB []string
	for k, r := range good.rows {
		if r.Tenant == "console:b" {
			wantB = append(wantB, k)
		}
	}
	for k, r := range flaky.rows {
		if r.Tenant == "console:a" {
			t.Fatalf("row %s of the failing tenant stored", k)
		}
		gotB = append(gotB, k)
	}
	if len(wantB) == 0 || len(gotB) != len(wantB) {
		t.Fatalf("tenant b: %d rows beside a failing tenant, %d alone; want the same, and some", len(gotB), len(wantB))
	}
	for _, k := range wantB {
		if _, ok := flaky.rows[k]; !ok {
			t.Fatalf("tenant b's row %s missing beside a failing tenant", k)
		}
	}
}

// TestPlanPassStopsWithContext: a pass whose context ends while a group is
// being written stops: it returns the context's error, and at most the
// group already prepared is written after the cancel.
func TestPlanPassStopsWithContext(t *testing.T) {
	db, now := pipelineStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := &flakyOutbox{memOutbox: memOutbox{rows: map[string]bot.Reminder{}}}
	out.before = func(call int) {
		if call == 2 {
			cancel()
		}
	}
	done := make(chan error, 1)
	go func() { done <- pipelinePlanner(t, db, out, now).Plan(ctx, now) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled pass returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled pass did not return")
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	if len(out.calls) > 3 {
		t.Fatalf("%d writes attempted, %d after the cancel; want at most the one prepared meanwhile", len(out.calls), len(out.calls)-2)
	}
}
