package scheduler_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// TestInterviewNotices books, moves and cancels interviews through the
// engine and re-plans through the hook: the notice is due on the third
// working day before, at 10:00 in each attendee's zone, for the employee,
// the manager and invited HR; booked later than that it is due at once and
// says it is short notice; moved, the old notice is cancelled and a new one
// planned; cancelled, its notices are cancelled. A move the planner has not
// seen yet is caught when the old notice is composed.
func TestInterviewNotices(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:iv", scheduler.DefaultRules(), sh, zhang, wang, lin)
		p := w.activePlan(zhang.ID, wang.ID, cst(11, 2, 9), cst(12, 31, 0), false)
		ref := fmt.Sprint(p.Number)
		ctx := t.Context()
		status := func(kind bot.ReminderKind, key, to string) bot.ReminderStatus { return w.row(kind, key, to).Status }

		w.clock.Set(cst(11, 16, 9)) // Monday
		w.say(wang.ID, "interview "+ref+" book 2026-11-23 15:00 hr")
		w.planner.PlanChanged(ctx, w.tenant, p.ID)
		for _, to := range []string{zhang.ID, wang.ID, lin.ID} {
			r := w.row(bot.RemindInterview, "2026-11-18", to) // Wednesday: 3 working days before Monday 23rd
			if !r.DueAt.Equal(cst(11, 18, 10)) || r.ShortNotice || !r.ExpiresAt.Equal(cst(11, 23, 13)) || r.Status != bot.ReminderPending {
				t.Errorf("notice for %s: due %s, expires %s, short %v, %s", to, r.DueAt.In(sh), r.ExpiresAt.In(sh), r.ShortNotice, r.Status)
			}
		}
		if r := w.row(bot.RemindArchive, "2026-11-24", wang.ID); !r.DueAt.Equal(cst(11, 24, 10)) {
			t.Errorf("archive reminder due %s, want the next working day 10:00", r.DueAt.In(sh))
		}
		old := w.row(bot.RemindInterview, "2026-11-18", zhang.ID)

		w.clock.Set(cst(11, 17, 9))
		w.say(wang.ID, "interview "+ref+" move 2026-11-25 15:00")
		w.planner.PlanChanged(ctx, w.tenant, p.ID)
		for _, to := range []string{zhang.ID, wang.ID, lin.ID} {
			if st := status(bot.RemindInterview, "2026-11-18", to); st != bot.ReminderCancelled {
				t.Errorf("old notice for %s is %s, want cancelled", to, st)
			}
			if r := w.row(bot.RemindInterview, "2026-11-20", to); !r.DueAt.Equal(cst(11, 20, 10)) || r.Status != bot.ReminderPending {
				t.Errorf("new notice for %s: due %s, %s", to, r.DueAt.In(sh), r.Status)
			}
		}
		if st := status(bot.RemindArchive, "2026-11-24", wang.ID); st != bot.ReminderCancelled {
			t.Errorf("old archive reminder is %s", st)
		}
		if _, skip, err := w.composer.Compose(ctx, old); err != nil || !skip {
			t.Errorf("composing the moved interview's old notice: skip %v, %v", skip, err)
		}

		w.clock.Set(cst(11, 19, 9)) // Thursday: too late for a Monday interview's notice
		w.say(wang.ID, "interview "+ref+" book 2026-11-23 10:00 reason the client travels next week")
		w.planner.PlanChanged(ctx, w.tenant, p.ID)
		late := 0
		for _, r := range w.rows(bot.RemindInterview) {
			if r.Subject == old.Subject {
				continue
			}
			late++
			if r.DueKey != "2026-11-18" || !r.ShortNotice || !r.DueAt.Equal(cst(11, 19, 9)) {
				t.Errorf("late booking %s for %s: short %v, due %s; want short notice due now", r.DueKey, r.Recipient, r.ShortNotice, r.DueAt.In(sh))
			}
		}
		if late != 2 { // the employee and the manager: HR was not invited
			t.Errorf("late booking has %d notices, want 2", late)
		}
		for _, r := range w.rows(bot.RemindInterview) {
			if r.Subject == old.Subject || r.Status != bot.ReminderPending {
				continue
			}
			rep, skip, err := w.composer.Compose(ctx, r)
			if err != nil || skip {
				t.Fatalf("compose short notice for %s: skip %v, %v", r.Recipient, skip, err)
			}
			text := rep.Message.Text()
			want := map[string]string{zhang.ID: "临时通知", wang.ID: "临时通知", lin.ID: "Short notice"}[r.Recipient]
			for _, part := range []string{want, "季度销售额", "10:00"} {
				if !strings.Contains(text, part) {
					t.Errorf("short notice for %s lacks %q:\n%s", r.Recipient, part, text)
				}
			}
			if !rep.Private || rep.To != r.Recipient {
				t.Errorf("short notice for %s: Private %v To %q", r.Recipient, rep.Private, rep.To)
			}
		}

		w.say(wang.ID, "interview "+ref+" cancel 1")
		w.planner.PlanChanged(ctx, w.tenant, p.ID)
		for _, to := range []string{zhang.ID, wang.ID, lin.ID} {
			if st := status(bot.RemindInterview, "2026-11-20", to); st != bot.ReminderCancelled {
				t.Errorf("cancelled interview's notice for %s is %s", to, st)
			}
		}
		if st := status(bot.RemindArchive, "2026-11-26", wang.ID); st != bot.ReminderCancelled {
			t.Errorf("cancelled interview's archive reminder is %s", st)
		}

		// Closing the plan, with no hook: the next periodic run cancels
		// everything it still had pending.
		w.plan(cst(11, 19, 10))
		if n := pending(w); n == 0 {
			t.Fatal("nothing pending before the plan closes")
		}
		w.say(wang.ID, "close "+ref+" achieved 每周复盘很有效")
		w.say(lin.ID, "close "+ref+" confirm the figures were met in substance")
		if q, _ := db.PlanByNumber(ctx, w.tenant, p.Number); q.Status != bot.StatusClosed {
			t.Fatalf("plan is %s after HR confirmed the outcome", q.Status)
		}
		w.plan(cst(11, 19, 10))
		if n := pending(w); n != 0 {
			t.Errorf("%d reminders still pending after the plan closed: %v", n, keys(w.rows("")))
		}
	})
}

// pending counts the world's pending reminders.
// pending counts the pending reminders about plans (HR's weekly digest is
// about the tenant).
func pending(w *planWorld) int {
	n := 0
	for _, r := range w.rows("") {
		if r.Status == bot.ReminderPending && r.PlanID != 0 {
			n++
		}
	}
	return n
}
