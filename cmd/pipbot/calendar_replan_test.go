package main

import (
	"context"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestImportedYearReplansReminders: an interview on Monday 2028-02-07,
// booked on Tuesday 02-01 while 2028 is provisional, is noticed on
// Wednesday 02-02 (three weekdays before; both days are inside the
// planner's three-day window). Once the 2028 notice is imported (the test fixture:
// Spring Festival to 02-01, Saturday 02-05 a make-up day) serve reloads
// it and re-plans: the pending notice moves to Thursday 02-03, counting
// the make-up Saturday, and the old one is cancelled.
func TestImportedYearReplansReminders(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600) // Shanghai, which has no DST
	now := time.Date(2028, 2, 1, 9, 0, 0, 0, sh)
	a, ctx := scheduledApp(t, now), t.Context()
	started, end := now.AddDate(0, 0, -7), now.AddDate(0, 2, 0)
	p := &bot.Plan{Tenant: demoTenant, Platform: bot.PlatformConsole, Title: "提升季度销售额", EmployeeID: "zhangsan",
		ManagerID: "wang", CreatedBy: "wang", EmployeeType: bot.TypeUnderPerformer, Status: bot.StatusActive, Cycle: 1,
		Start: bot.DateOnly(started), End: bot.DateOnly(end), StartedAt: started, ApprovedAt: started, AckedAt: started,
		Goals:     []bot.Goal{{No: 1, Metric: "季度销售额", Baseline: 350000, Target: 500000, Unit: "元", Deadline: bot.DateOnly(end)}},
		CreatedAt: started, UpdatedAt: started}
	if err := a.db.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	iv := &bot.Interview{Tenant: demoTenant, PlanID: p.ID, At: time.Date(2028, 2, 7, 15, 0, 0, 0, sh), Minutes: 50,
		Attendees: []string{"zhangsan", "wang"}, Status: bot.InterviewBooked, BookedBy: "wang", BookedAt: now}
	if err := a.db.SaveInterview(ctx, iv); err != nil {
		t.Fatal(err)
	}
	if err := a.sched.planner.Run(ctx); err != nil {
		t.Fatal(err)
	}
	notices := func(status bot.ReminderStatus) []bot.Reminder {
		rs, err := a.db.ListReminders(ctx, demoTenant, scheduler.ReminderFilter{Kind: bot.RemindInterview, Status: status})
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	due := func(rs []bot.Reminder) string {
		if len(rs) == 0 {
			return "none"
		}
		return rs[0].DueAt.In(sh).Format("2006-01-02 15:04")
	}
	if pending := notices(bot.ReminderPending); len(pending) != 2 || due(pending) != "2028-02-02 10:00" || !pending[0].Provisional {
		t.Fatalf("provisional 2028: pending notices %d due %s (provisional %v), want 2 on 2028-02-02 10:00, provisional",
			len(pending), due(pending), len(pending) > 0 && pending[0].Provisional)
	}

	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); a.watchHolidays(wctx, 10*time.Millisecond, func() time.Time { return now }) }()
	defer func() { stop(); <-done }()
	if _, _, err := runCmd(t, ctx, map[string]string{"PIPBOT_DB": a.cfg.DB}, "", "calendar", "import", holidayFixture); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for due(notices(bot.ReminderPending)) != "2028-02-03 10:00" {
		if time.Now().After(deadline) {
			t.Fatalf("after the import: pending notices due %s, want 2028-02-03 10:00", due(notices(bot.ReminderPending)))
		}
		time.Sleep(20 * time.Millisecond)
	}
	pending := notices(bot.ReminderPending)
	if len(pending) != 2 || pending[0].Provisional {
		t.Errorf("after the import: %d pending notices, provisional %v; want 2, not provisional", len(pending), pending[0].Provisional)
	}
	if cancelled := notices(bot.ReminderCancelled); len(cancelled) != 2 || due(cancelled) != "2028-02-02 10:00" {
		t.Errorf("the provisional notices were not cancelled: %d due %s", len(cancelled), due(cancelled))
	}
}

// scheduledApp is the app as serve wires it, scheduler included, on a
// fresh SQLite database with the demo organisation, its clock standing at
// now.
func scheduledApp(t *testing.T, now time.Time) *app {
	t.Helper()
	clock := func() time.Time { return now }
	cfg := config.Default()
	cfg.DB = storagetest.SQLite(t)
	a, err := newApp(t.Context(), cfg, testLog(t), withClock(clock))
	if err == nil {
		t.Cleanup(func() { _ = a.Close() })
		a.sched, err = a.newSchedule(clock)
	}
	if err == nil {
		err = seedDemo(t.Context(), a.db, demoPeople(), now)
	}
	if err != nil {
		t.Fatal(err)
	}
	return a
}
