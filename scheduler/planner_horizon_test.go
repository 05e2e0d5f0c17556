package scheduler_test

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// TestPlannerHorizon: with the default window, three days, a pass on
// Monday morning writes no row for Friday's weekly reminder; the pass on
// Wednesday, when the window has rolled over Friday, writes it (an
// incremental pass, nothing about the plan changed); a full pass then
// writes nothing more. Rows are planned days, not weeks, ahead.
func TestPlannerHorizon(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:horizon", scheduler.DefaultRules(), sh, zhang, wang)
		w.activePlan(zhang.ID, wang.ID, cst(11, 2, 9, 0), cst(12, 31, 0, 0), false)
		unspread := scheduler.DefaultRules()
		unspread.Spread = "0s"
		rules, err := scheduler.NewRuleBook(unspread, nil)
		if err != nil {
			t.Fatal(err)
		}
		pl, err := scheduler.NewPlanner(scheduler.PlannerOptions{Source: db, Reminders: db, Changes: db, Calendar: w.cal,
			Rules: rules, TZ: sh, Clock: w.clock.Now, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		run := func(at time.Time) []string {
			t.Helper()
			w.clock.Set(at)
			if err := pl.Run(t.Context()); err != nil {
				t.Fatalf("Run at %v: %v", at, err)
			}
			var out []string
			for _, r := range w.rows("") {
				if r.Status == bot.ReminderPending && r.DueAt.After(at) {
					out = append(out, string(r.Kind)+"/"+r.DueKey+"/"+r.DueAt.In(sh).Format("01-02 15:04"))
				}
			}
			slices.Sort(out)
			return out
		}
		// Monday: last week's escalation to the manager and the tracking
		// reminder (no note in the 14 days since the start) are due at
		// 10:00; Friday's reminder is beyond the window.
		want := []string{"missed_update/2026-W46/11-16 10:00", "tracking_due/2026-11-16/11-16 10:00"}
		if got := run(cst(11, 16, 9, 0)); !slices.Equal(got, want) {
			t.Errorf("Monday's pass planned %v; want %v", got, want)
		}
		want = []string{"weekly_update/2026-W47/11-20 17:00"}
		got := run(cst(11, 18, 9, 0))
		if !slices.Equal(got, want) {
			t.Errorf("Wednesday's pass planned %v; want %v", got, want)
		}
		pl.RequestFull()
		if again := run(cst(11, 18, 9, 5)); len(again) != len(got) {
			t.Errorf("a full pass after the rolled one planned %v; want %v", again, got)
		}
	})
}
