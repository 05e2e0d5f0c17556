package scheduler_test

import (
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/scheduler/calendar"
	"github.com/pipbot/pipbot/storage"
)

// TestPlannerOnChineseCalendar plans on the official 2026 calendar around
// Mid-Autumn and National Day: the Friday reminder moves to Thursday 09-24
// and Wednesday 09-30; an interview on Monday 10-12 is noticed on Thursday
// 10-08, counting the make-up Saturday 10-10; a tenant's own day off moves
// the week's pending reminder when the tenant is re-planned; a year not yet
// published is planned provisionally.
func TestPlannerOnChineseCalendar(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:cn", scheduler.DefaultRules(), sh, zhang, wang)
		p := w.activePlan(zhang.ID, wang.ID, cst(2026, 9, 1, 9), cst(2028, 6, 30, 0), false)
		iv := &bot.Interview{Tenant: w.tenant, PlanID: p.ID, At: cst(2026, 10, 12, 10), Minutes: 50,
			Attendees: []string{zhang.ID, wang.ID}, Status: bot.InterviewBooked, BookedBy: wang.ID, BookedAt: cst(2026, 9, 1, 10)}
		if err := db.SaveInterview(t.Context(), iv); err != nil {
			t.Fatal(err)
		}
		w.plan(cst(2026, 9, 21, 9))
		for _, c := range []struct {
			kind        bot.ReminderKind
			key, to     string
			due         time.Time
			provisional bool
		}{
			{bot.RemindWeekly, "2026-W39", zhang.ID, cst(2026, 9, 24, 17), false},
			{bot.RemindWeekly, "2026-W40", zhang.ID, cst(2026, 9, 30, 17), false},
			{bot.RemindInterview, "2026-10-08", zhang.ID, cst(2026, 10, 8, 10), false},
			{bot.RemindInterview, "2026-10-08", wang.ID, cst(2026, 10, 8, 10), false},
		} {
			r := w.row(c.kind, c.key, c.to)
			if !r.DueAt.Equal(c.due) || r.Provisional != c.provisional {
				t.Errorf("%s %s: due %s provisional %v; want %s %v", c.kind, c.key, r.DueAt.In(sh), r.Provisional, c.due, c.provisional)
			}
		}

		w.clock.Set(cst(2026, 11, 16, 9))
		w.plan(cst(2026, 11, 16, 9))
		if r := w.row(bot.RemindWeekly, "2026-W47", zhang.ID); !r.DueAt.Equal(cst(2026, 11, 20, 17)) {
			t.Fatalf("week 47 due %s, want Friday 17:00", r.DueAt.In(sh))
		}
		if err := w.cal.SetOverrides(w.tenant, []calendar.Override{{Date: calendar.NewDate(2026, 11, 20), Note: "company day"}}); err != nil {
			t.Fatal(err)
		}
		if err := w.planner.ReplanTenant(t.Context(), w.tenant); err != nil {
			t.Fatal(err)
		}
		if r := w.row(bot.RemindWeekly, "2026-W47", zhang.ID); !r.DueAt.Equal(cst(2026, 11, 19, 17)) || r.Status != bot.ReminderPending {
			t.Errorf("after the day off, week 47 due %s (%s), want Thursday 17:00", r.DueAt.In(sh), r.Status)
		}

		// 2027's notice is out (official, not provisional); 2028's is not.
		for _, c := range []struct {
			year        int
			week        string
			provisional bool
		}{{2027, "2027-W09", false}, {2028, "2028-W09", true}} {
			if official := w.cal.Year("CN", c.year).Official; official == c.provisional {
				t.Fatalf("the calendar has %d official %v; this test needs %v", c.year, official, !c.provisional)
			}
			w.plan(cst(c.year, 3, 1, 9))
			if r := w.row(bot.RemindWeekly, c.week, zhang.ID); r.Provisional != c.provisional {
				t.Errorf("%s reminder provisional %v, want %v", c.week, r.Provisional, c.provisional)
			}
		}
	})
}
