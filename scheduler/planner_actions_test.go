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

// The owners of the actions: the employee in the tenant's zone (Shanghai),
// the manager in Tokyo, HR in London, a colleague named as an owner in New
// York; the working-day calendar is China's for all of them.
var (
	actEmp  = bot.Person{ID: "u_emp", Name: "张三", ManagerID: "u_mgr", Locale: bot.LocaleZH}
	actMgr  = bot.Person{ID: "u_mgr", Name: "王经理", Locale: bot.LocaleZH, TZ: "Asia/Tokyo"}
	actHR   = bot.Person{ID: "u_hr", Name: "HR Lin", Locale: bot.LocaleEN, HR: true, TZ: "Europe/London"}
	actPeer = bot.Person{ID: "u_peer", Name: "Peer", Locale: bot.LocaleEN, TZ: "America/New_York"}
)

// actionPlan stores a plan started on Tuesday 2026-09-01 with one action of
// each cadence and owner: 1 every Friday by 17:00 (employee), 2 every working
// day 9:00 (manager), 3 once on 2026-09-29 by 18:00 (HR), 4 every other
// Monday 10:00 (a named colleague), 5 monthly on the 1st with no time of
// day (employee), 6 every working day but done, 7 daily 9:00 (employee).
func actionPlan(t *testing.T, w *planWorld) *bot.Plan {
	t.Helper()
	sh := mustLoc(t, "Asia/Shanghai")
	p := w.activePlan(actEmp.ID, actMgr.ID, time.Date(2026, 9, 1, 9, 0, 0, 0, sh), time.Date(2027, 3, 31, 0, 0, 0, 0, sh), false)
	p.Actions = []bot.Action{
		{No: 1, What: "更新拜访记录", OwnerKind: bot.OwnerEmployee, Status: bot.ActionInProgress,
			When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Friday}, Clock: "17:00", By: true}},
		{No: 2, What: "每日站会", OwnerKind: bot.OwnerManager, Status: bot.ActionNotStarted,
			When: bot.TimeNode{Repeat: bot.RepeatWorkdays, Clock: "09:00"}},
		{No: 3, What: "product training", OwnerKind: bot.OwnerHR, Status: bot.ActionNotStarted,
			When: bot.TimeNode{Repeat: bot.RepeatOnce, Date: time.Date(2026, 9, 29, 0, 0, 0, 0, time.UTC), Clock: "18:00", By: true}},
		{No: 4, What: "ride-along", OwnerKind: bot.OwnerPerson, Owner: actPeer.ID, Status: bot.ActionNotStarted,
			When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Monday}, Every: 2, Clock: "10:00"}},
		{No: 5, What: "月度复盘", OwnerKind: bot.OwnerEmployee, Status: bot.ActionNotStarted,
			When: bot.TimeNode{Repeat: bot.RepeatMonthly, Day: 1}},
		{No: 6, What: "已完成", OwnerKind: bot.OwnerEmployee, Status: bot.ActionDone,
			When: bot.TimeNode{Repeat: bot.RepeatWorkdays, Clock: "09:00"}},
		{No: 7, What: "晨会", Status: bot.ActionNotStarted, When: bot.TimeNode{Repeat: bot.RepeatDaily, Clock: "09:00"}},
		{No: 8, What: "无时间节点", Status: bot.ActionNotStarted},
	}
	if err := w.db.SavePlan(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestActionRowsByCadence plans, on Friday 2026-09-18 06:00 in Shanghai,
// the three weeks around Mid-Autumn and National Day, when Friday 09-25 and
// the week from 10-01 are off and Sunday 09-20 and Saturday 10-10 are
// make-up working days. Want: the weekly node on Friday, or the week's last
// earlier working day (Thu 09-24, Wed 09-30), 17:00 Shanghai; the working-
// day node on every working day, make-up Sunday included, holidays not,
// 09:00 Tokyo; the one-off date once, 18:00 London, to HR; every other
// Monday counted from the plan's start week, 10:00 New York, to the named
// colleague; the monthly node on the 1st moved back to 09-30, at 09:00; the
// daily node like the working-day one; nothing for the done action, the
// one with no node, or a plan not yet running; each due until the end of
// its local day.
func TestActionRowsByCadence(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		w := newPlanWorld(t, db, "console:act", scheduler.DefaultRules(), sh, actEmp, actMgr, actHR, actPeer)
		p := actionPlan(t, w)
		draft := w.activePlan(actEmp.ID, actMgr.ID, time.Date(2026, 9, 1, 9, 0, 0, 0, sh), time.Date(2027, 3, 31, 0, 0, 0, 0, sh), false)
		draft.Status, draft.StartedAt = bot.StatusDraft, time.Time{}
		draft.Actions = p.Actions
		if err := db.SavePlan(t.Context(), draft); err != nil {
			t.Fatal(err)
		}
		w.plan(time.Date(2026, 9, 18, 6, 0, 0, 0, sh))

		var got []string
		for _, r := range w.rows(bot.RemindAction) {
			if r.Subject != fmt.Sprintf("plan:%d", p.ID) || r.Status != bot.ReminderPending || r.Provisional || r.ToChat {
				t.Errorf("row %s: subject %s status %s provisional %v to chat %v", r.Key(), r.Subject, r.Status, r.Provisional, r.ToChat)
			}
			got = append(got, fmt.Sprintf("%s %s %s until %s", r.DueKey, r.Recipient,
				r.DueAt.UTC().Format("01-02T15:04"), r.ExpiresAt.UTC().Format("01-02T15:04")))
		}
		slices.Sort(got)
		want := []string{
			"1@2026-09-18 u_emp 09-18T09:00 until 09-18T15:59",
			"1@2026-09-24 u_emp 09-24T09:00 until 09-24T15:59",
			"1@2026-09-30 u_emp 09-30T09:00 until 09-30T15:59",
			"3@2026-09-29 u_hr 09-29T17:00 until 09-29T22:59",
			"4@2026-09-28 u_peer 09-28T14:00 until 09-29T03:59",
			"5@2026-09-30 u_emp 09-30T01:00 until 09-30T15:59",
		}
		for _, d := range []string{"09-18", "09-20", "09-21", "09-22", "09-23", "09-24", "09-28", "09-29", "09-30", "10-08"} {
			want = append(want, fmt.Sprintf("2@2026-%s u_mgr %sT00:00 until %sT14:59", d, d, d))
			if d != "10-08" { // 09:00 Shanghai on 10-08 is past the window's end, 10-08 00:00 UTC
				want = append(want, fmt.Sprintf("7@2026-%s u_emp %sT01:00 until %sT15:59", d, d, d))
			}
		}
		slices.Sort(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("action rows (-want +got):\n%s", diff)
		}
	})
}

// TestActionRemindersStopWhenDone lives three weeks of the plan above,
// planning every six hours and dispatching every half hour. The employee
// marks action 1 done by command at Thursday 09-24 12:00, and the planner
// is told at once (as the engine's change hook does); the manager presses
// action 2's done button at 07:30 on Tuesday 09-29, half an hour before its
// row falls due, with no planner run in between. Want: each occurrence sent
// once, privately, to its owner, in their language; nothing of action 1
// after it is done (its pending rows cancelled); action 2's claimed row
// skipped and cancelled, not sent, and its later rows cancelled by the next
// pass.
func TestActionRemindersStopWhenDone(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:act", scheduler.DefaultRules(), sh, actEmp, actMgr, actHR, actPeer)
		p := actionPlan(t, w)
		n := fmt.Sprint(p.Number)
		events := map[time.Time]func(){
			cst(9, 24, 12, 0): func() {
				w.say(actEmp.ID, "完成 "+n+" 1")
				if err := w.planner.Replan(t.Context(), w.tenant, p.ID); err != nil {
					t.Fatal(err)
				}
			},
			cst(9, 29, 7, 30): func() { w.do(actMgr.ID, "action.done", map[string]string{"plan": n, "action": "2"}, nil) },
		}
		d := w.dispatcher()
		for now := cst(9, 18, 6, 0); now.Before(cst(10, 9, 0, 0)); now = now.Add(30 * time.Minute) {
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

		var got []string
		for _, s := range w.sent.all() {
			if s.r.Kind != bot.RemindAction {
				continue
			}
			got = append(got, fmt.Sprintf("%s %s@%s", s.r.DueKey, s.r.Recipient, s.at.UTC().Format("01-02T15:04")))
			if !s.rep.Private || s.rep.To != s.r.Recipient || s.rep.Chat != "" {
				t.Errorf("%s: sent To %q Chat %q Private %v", s.r.Key(), s.rep.To, s.rep.Chat, s.rep.Private)
			}
			no, _, _ := bot.ParseActionDueKey(s.r.DueKey)
			text := s.rep.Message.Text()
			wantText := fmt.Sprintf("行动 #%d", no)
			if s.r.Recipient == actHR.ID || s.r.Recipient == actPeer.ID {
				wantText = fmt.Sprintf("action #%d", no)
			}
			if !strings.Contains(text, wantText) || !strings.Contains(text, "#"+n) {
				t.Errorf("%s: message lacks %q or the plan:\n%s", s.r.Key(), wantText, text)
			}
		}
		want := []string{
			"1@2026-09-18 u_emp@09-18T09:00",
			"3@2026-09-29 u_hr@09-29T17:00",
			"4@2026-09-28 u_peer@09-28T14:00",
			"5@2026-09-30 u_emp@09-30T01:00",
		}
		for _, day := range []string{"09-18", "09-20", "09-21", "09-22", "09-23", "09-24", "09-28"} {
			want = append(want, fmt.Sprintf("2@2026-%s u_mgr@%sT00:00", day, day))
		}
		for _, day := range []string{"09-18", "09-20", "09-21", "09-22", "09-23", "09-24", "09-28", "09-29", "09-30", "10-08"} {
			want = append(want, fmt.Sprintf("7@2026-%s u_emp@%sT01:00", day, day))
		}
		slices.Sort(got)
		slices.Sort(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("action reminders sent (-want +got):\n%s", diff)
		}
		for _, c := range []struct {
			key, to string
			status  bot.ReminderStatus
		}{
			{"1@2026-09-24", actEmp.ID, bot.ReminderCancelled}, // pending when it was done: cancelled by the re-plan
			{"1@2026-09-30", actEmp.ID, bot.ReminderCancelled},
			{"2@2026-09-29", actMgr.ID, bot.ReminderCancelled}, // claimed after it was done: skipped by the composer
			{"2@2026-09-30", actMgr.ID, bot.ReminderCancelled}, // cancelled by the next pass
			{"2@2026-10-08", actMgr.ID, bot.ReminderCancelled},
			{"2@2026-09-28", actMgr.ID, bot.ReminderSent},
		} {
			if r := w.row(bot.RemindAction, c.key, c.to); r.Status != c.status {
				t.Errorf("%s to %s: %s, want %s", c.key, c.to, r.Status, c.status)
			}
		}
		for _, r := range w.rows(bot.RemindAction) {
			if no, day, _ := bot.ParseActionDueKey(r.DueKey); (no == 1 && day > "2026-09-18" || no == 2 && day > "2026-09-28") && r.Status != bot.ReminderCancelled {
				t.Errorf("%s to %s after the action was done: %s", r.DueKey, r.Recipient, r.Status)
			}
		}
	})
}
