package scheduler_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// The people of the Shanghai team.
var (
	zhang = bot.Person{ID: "u_emp", Name: "张三", ManagerID: "u_mgr", Locale: bot.LocaleZH}
	li    = bot.Person{ID: "u_emp2", Name: "李四", ManagerID: "u_mgr", Locale: bot.LocaleZH}
	wang  = bot.Person{ID: "u_mgr", Name: "王经理", Locale: bot.LocaleZH}
	lin   = bot.Person{ID: "u_hr", Name: "HR Lin", Locale: bot.LocaleEN, HR: true}
)

// TestSkipIfUpdatedAndEscalation lives three weeks of a Shanghai team on
// the official calendar, planning every six hours and dispatching every
// half hour. Zhang posts in week 47 and then misses two weeks; Li misses
// week 47 and posts on Monday 09:30, half an hour before the escalation,
// with no planner run in between. Both plans are visible to the team chat.
// Want: no weekly reminder to whoever updated that week; the manager's
// escalation the next working day at 10:00 only for a week still missing
// (Li's stops when the update lands); HR's after Zhang's second missed week
// in a row; team summaries with counts only, into the chat, and every
// other reminder private.
func TestSkipIfUpdatedAndEscalation(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:acme", scheduler.DefaultRules(), sh, zhang, li, wang, lin)
		p1 := w.activePlan(zhang.ID, wang.ID, cst(11, 2, 9, 0), cst(12, 31, 0, 0), true)
		p2 := w.activePlan(li.ID, wang.ID, cst(11, 2, 9, 0), cst(12, 31, 0, 0), true)
		if err := db.BindTeamChat(t.Context(), bot.TeamChat{Tenant: w.tenant, Platform: "console", ChatID: "oc_team",
			ManagerID: wang.ID, BoundBy: wang.ID, BoundAt: cst(11, 2, 9, 0)}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*bot.Plan{p1, p2} { // both posted the week before
			if err := db.AddUpdate(t.Context(), &bot.Update{Tenant: w.tenant, PlanID: p.ID, AuthorID: p.EmployeeID,
				Week: "2026-W46", Text: "ok", At: cst(11, 13, 16, 0)}); err != nil {
				t.Fatal(err)
			}
		}
		update := func(who bot.Person, p *bot.Plan) func() {
			return func() {
				w.do(who.ID, "plan.update", map[string]string{"plan": fmt.Sprint(p.Number)},
					map[string]string{"goal_1": "400000", "text": "拜访8家客户"})
			}
		}
		events := map[time.Time]func(){
			cst(11, 18, 10, 0): update(zhang, p1), // week 47
			cst(11, 23, 9, 30): update(li, p2),    // week 48, before Monday's 10:00 escalation for week 47
		}
		d := w.dispatcher()
		for now := cst(11, 16, 0, 0); now.Before(cst(12, 8, 0, 0)); now = now.Add(30 * time.Minute) {
			w.clock.Set(now)
			if ev := events[now]; ev != nil {
				ev()
			}
			if now.In(sh).Hour()%6 == 0 && now.Minute() == 0 {
				w.plan(now)
			}
			if _, _, err := d.RunOnce(t.Context()); err != nil {
				t.Fatalf("dispatch at %s: %v", now, err)
			}
		}

		s1, s2 := fmt.Sprintf("plan:%d", p1.ID), fmt.Sprintf("plan:%d", p2.ID)
		want := []string{
			"weekly_summary/chat:oc_team/2026-W47/oc_team@2026-11-20T09:00:00Z",
			"weekly_update/" + s2 + "/2026-W47/u_emp2@2026-11-20T09:00:00Z",
			"monthly_review/" + s1 + "/2026-11/u_mgr@2026-11-25T02:00:00Z",
			"monthly_review/" + s2 + "/2026-11/u_mgr@2026-11-25T02:00:00Z",
			// HR's weekly digest, each Monday at 10:00.
			"hr_digest/digest:u_hr/2026-W47/u_hr@2026-11-16T02:00:00Z",
			"hr_digest/digest:u_hr/2026-W48/u_hr@2026-11-23T02:00:00Z",
			"hr_digest/digest:u_hr/2026-W49/u_hr@2026-11-30T02:00:00Z",
			"hr_digest/digest:u_hr/2026-W50/u_hr@2026-12-07T02:00:00Z",
			// No tracking note from the manager: every 14 days from 11-02.
			"tracking_due/" + s1 + "/2026-11-16/u_mgr@2026-11-16T02:00:00Z",
			"tracking_due/" + s1 + "/2026-11-30/u_mgr@2026-11-30T02:00:00Z",
			"tracking_due/" + s2 + "/2026-11-16/u_mgr@2026-11-16T02:00:00Z",
			"tracking_due/" + s2 + "/2026-11-30/u_mgr@2026-11-30T02:00:00Z",
			"weekly_summary/chat:oc_team/2026-W48/oc_team@2026-11-27T09:00:00Z",
			"weekly_update/" + s1 + "/2026-W48/u_emp@2026-11-27T09:00:00Z",
			"missed_update/" + s1 + "/2026-W48/u_mgr@2026-11-30T02:00:00Z",
			"weekly_summary/chat:oc_team/2026-W49/oc_team@2026-12-04T09:00:00Z",
			"weekly_update/" + s1 + "/2026-W49/u_emp@2026-12-04T09:00:00Z",
			"weekly_update/" + s2 + "/2026-W49/u_emp2@2026-12-04T09:00:00Z",
			"missed_update/" + s1 + "/2026-W49/u_mgr@2026-12-07T02:00:00Z",
			"missed_update/" + s2 + "/2026-W49/u_mgr@2026-12-07T02:00:00Z",
			"missed_update_hr/" + s1 + "/2026-W49/u_hr@2026-12-07T02:00:00Z",
		}
		sent := w.sent.all()
		var got []string
		for _, s := range sent {
			got = append(got, string(s.r.Kind)+"/"+s.r.Subject+"/"+s.r.DueKey+"/"+s.r.Recipient+"@"+s.at.UTC().Format(time.RFC3339))
		}
		slices.Sort(got)
		slices.Sort(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("sent (-want +got):\n%s", diff)
		}

		// What was planned and then overtaken is cancelled, not sent.
		for _, c := range []struct {
			kind             bot.ReminderKind
			subject, key, to string
		}{
			{bot.RemindWeekly, s1, "2026-W47", zhang.ID},  // cancelled by the planner's next run
			{bot.RemindMissed, s1, "2026-W47", wang.ID},   // likewise
			{bot.RemindMissed, s2, "2026-W47", wang.ID},   // cancelled by the dispatch-time check
			{bot.RemindWeekly, s2, "2026-W48", li.ID},     // never planned once Li had posted
			{bot.RemindMissedHR, s2, "2026-W49", lin.ID},  // Li posted in week 48
			{bot.RemindWeekly, s1, "2026-W47", "missing"}, // sanity: no such row
		} {
			var st bot.ReminderStatus
			for _, r := range w.rows(c.kind) {
				if r.Subject == c.subject && r.DueKey == c.key && r.Recipient == c.to {
					st = r.Status
				}
			}
			if st == bot.ReminderSent || st == bot.ReminderPending {
				t.Errorf("%s %s %s for %s is %s", c.kind, c.subject, c.key, c.to, st)
			}
		}

		private := []string{zhang.Name, li.Name, wang.Name, lin.Name, zhang.ID, li.ID, "#1", "#2", "季度销售额", "提升",
			"35万", "40万", "50万", "350", "400", "500", "拜访"}
		for _, s := range sent {
			text := s.rep.Message.Text()
			if s.r.Kind != bot.RemindWeeklySummary {
				if !s.rep.Private || s.rep.To != s.r.Recipient || s.rep.Chat != "" {
					t.Errorf("%s %s: Private %v To %q Chat %q, want private to %s", s.r.Kind, s.r.DueKey, s.rep.Private, s.rep.To, s.rep.Chat, s.r.Recipient)
				}
				continue
			}
			if s.rep.Private || s.rep.Chat != "oc_team" || s.rep.To != "" || s.rep.Key != s.r.Key() {
				t.Errorf("summary %s: Private %v Chat %q To %q Key %q", s.r.DueKey, s.rep.Private, s.rep.Chat, s.rep.To, s.rep.Key)
			}
			for _, p := range private {
				if strings.Contains(text, p) || strings.Contains(fmt.Sprint(s.rep.Message), p) {
					t.Errorf("summary %s shows %q:\n%s", s.r.DueKey, p, text)
				}
			}
			counts := map[string]string{"2026-W47": "1 人提交进展，1 人尚未", "2026-W48": "1 人提交进展，1 人尚未", "2026-W49": "0 人提交进展，2 人尚未"}
			if !strings.Contains(text, counts[s.r.DueKey]) {
				t.Errorf("summary %s = %q, want counts %q", s.r.DueKey, text, counts[s.r.DueKey])
			}
		}
		for _, s := range sent {
			switch s.r.Kind {
			case bot.RemindMissedHR:
				for _, part := range []string{zhang.Name, "2026-W48", "2026-W49", wang.Name} {
					if !strings.Contains(s.rep.Message.Text(), part) {
						t.Errorf("HR escalation lacks %q:\n%s", part, s.rep.Message.Text())
					}
				}
			case bot.RemindMissed:
				if !strings.Contains(s.rep.Message.Text(), zhang.Name) && !strings.Contains(s.rep.Message.Text(), li.Name) {
					t.Errorf("escalation names no one:\n%s", s.rep.Message.Text())
				}
			}
		}
	})
}
