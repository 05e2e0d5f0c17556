package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// TestTrackingReminder: a plan started on Monday 11-02 whose manager has
// written no tracking note is due one on Monday 11-16 at 10:00 and every
// 14 days after; the manager writes one on Thursday 11-12, which cancels
// those rows and plans
// the next 14 days after the note, on Thursday 11-26; sent then, privately,
// in the manager's language, with the tracking form. The employee's
// update does not count as tracking.
func TestTrackingReminder(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:track", scheduler.DefaultRules(), sh, zhang, wang)
		p := w.activePlan(zhang.ID, wang.ID, cst(11, 2, 9, 0), cst(12, 31, 0, 0), false)
		pending := func() []string {
			t.Helper()
			var out []string
			for _, r := range w.rows(bot.RemindTracking) {
				if r.Status == bot.ReminderPending {
					out = append(out, r.DueKey+"/"+r.Recipient+"@"+r.DueAt.In(sh).Format("01-02 15:04"))
				}
			}
			return out
		}
		w.plan(cst(11, 9, 9, 0))
		if got := strings.Join(pending(), " "); got != "2026-11-16/u_mgr@11-16 10:00" {
			t.Fatalf("before any note: pending %q; want 2026-11-16/u_mgr@11-16 10:00", got)
		}

		w.clock.Set(cst(11, 11, 16, 0))
		w.say(zhang.ID, "更新 1 季度销售额 38万 本周拜访6家") // an update is not a tracking note
		w.plan(cst(11, 11, 16, 5))
		// The window now reaches the next one, 14 days on.
		if got := strings.Join(pending(), " "); got != "2026-11-16/u_mgr@11-16 10:00 2026-11-30/u_mgr@11-30 10:00" {
			t.Fatalf("after the employee's update: pending %q; want 11-16 and 11-30", got)
		}

		w.clock.Set(cst(11, 12, 18, 0))
		if reps := w.say(wang.ID, "跟踪 1 本周陪访两次，开场白仍需练习"); len(reps) == 0 || !strings.Contains(reps[0].Message.Text(), "#1") {
			t.Fatalf("tracking note: %+v", reps)
		}
		w.plan(cst(11, 12, 18, 5))
		if got := strings.Join(pending(), " "); got != "2026-11-26/u_mgr@11-26 10:00" {
			t.Fatalf("after the manager's note: pending %q; want 2026-11-26/u_mgr@11-26 10:00", got)
		}
		for _, day := range []string{"2026-11-16", "2026-11-30"} {
			if old := w.row(bot.RemindTracking, day, wang.ID); old.Status != bot.ReminderCancelled {
				t.Errorf("the %s reminder is %s; want cancelled", day, old.Status)
			}
		}

		w.clock.Set(cst(11, 26, 10, 1))
		if _, _, err := w.dispatcher().RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		var got []sentMsg
		for _, s := range w.sent.all() {
			if s.r.Kind == bot.RemindTracking {
				got = append(got, s)
			}
		}
		if len(got) != 1 {
			t.Fatalf("sent %d tracking reminders; want 1", len(got))
		}
		rep := got[0].rep
		text := rep.Message.Title + " " + rep.Message.Text()
		if rep.To != wang.ID || !rep.Private || !strings.Contains(text, "计划 #1") || !strings.Contains(text, "14 天") ||
			!strings.Contains(text, "2026-11-12") {
			t.Errorf("tracking reminder to %s (private %v): %q", rep.To, rep.Private, text)
		}
		if p.Number != 1 {
			t.Fatalf("plan number %d", p.Number)
		}
	})
}
