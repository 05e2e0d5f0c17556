package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestFeishuInterviewCalendar books, moves and cancels an interview over
// Feishu callbacks, on every database, and follows its event in the fake
// calendar: made on the app's calendar with the employee, the manager and
// HR, moved, deleted; each attendee's reply on the status card and after
// its refresh button; a calendar that refused at booking time caught up
// by the status card.
func TestFeishuInterviewCalendar(t *testing.T) {
	t.Parallel()
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		t.Parallel()
		f := startFeishu(t, dsn)
		p := f.runningPlan(ouEmp, planForm{metric: "季度销售额", baseline: "61万", target: "73万", unit: "元",
			cause: "客户跟进不及时", action: "更新客户拜访记录"})
		n := strconv.Itoa(p.Number)

		f.ask(ouMgr, "面谈 "+n+" 预约 2026-12-03 15:00 HR", "面谈已预约", "📅")
		evs := f.fake.CalendarEvents()
		if len(evs) != 1 {
			t.Fatalf("%d calendar events after booking, want 1", len(evs))
		}
		ev := evs[0]
		if want := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC); !ev.Start.Equal(want) || !ev.End.Equal(want.Add(50*time.Minute)) || ev.Timezone != "Asia/Shanghai" {
			t.Errorf("event %v–%v %s, want 15:00–15:50 in Shanghai", ev.Start, ev.End, ev.Timezone)
		}
		var who []string
		for _, a := range ev.Attendees {
			who = append(who, a.OpenID)
		}
		slices.Sort(who)
		if got, want := strings.Join(who, ","), strings.Join([]string{ouEmp, ouHR, ouHR2, ouMgr}, ","); got != want {
			t.Errorf("attendees %s, want %s", got, want)
		}
		if strings.Contains(ev.Summary+ev.Description, "季度销售额") || strings.Contains(ev.Description, "客户跟进") || ev.Visibility != "private" {
			t.Errorf("the event shows plan content or is not private: %+v", ev)
		}

		f.fake.SetRSVP(ev.ID, ouEmp, larktest.RSVPAccept)
		f.fake.SetRSVP(ev.ID, ouMgr, larktest.RSVPTentative)
		status := f.ask(ouEmp, "面谈 "+n+" 状态", "张三 · ✅ 接受", "王经理 · ❔ 待定", "林HR · ⏳ 未回复")

		// The refresh button shows a later answer on the same card.
		f.fake.SetRSVP(ev.ID, ouEmp, larktest.RSVPDecline)
		resp := f.click(ouEmp, status, buttonValue(t, status.Card, "interview.rsvp"), nil)
		raw, _ := json.Marshal(answerCard(resp))
		if !strings.Contains(string(raw), "张三 · ❌ 拒绝") || !strings.Contains(string(raw), "interview.rsvp") {
			t.Errorf("the refreshed card lacks the new answer or its refresh button: %s", raw)
		}

		f.ask(ouMgr, "面谈 "+n+" 改期 2026-12-04 10:00", "面谈已改期", "📅")
		ev = f.fake.CalendarEvents()[0]
		if want := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC); !ev.Start.Equal(want) || ev.Patches != 1 || len(f.fake.CalendarEvents()) != 1 {
			t.Errorf("moved event starts %v after %d patches, want %v after 1", ev.Start, ev.Patches, want)
		}
		f.ask(ouMgr, "面谈 "+n+" 取消", "已取消", "📅")
		if ev = f.fake.CalendarEvents()[0]; !ev.Deleted {
			t.Error("the cancelled interview's event is still in the calendar")
		}

		// The calendar refuses at booking time: the interview stands, the
		// booker is told, and the status card makes the event.
		f.fake.FailCalendar(1, http.StatusForbidden, 191002, "no calendar access_role")
		f.ask(ouMgr, "面谈 "+n+" 预约 2026-12-10 15:00", "面谈已预约", "⚠️")
		if got := len(f.fake.CalendarEvents()); got != 1 {
			t.Fatalf("%d events after a refused booking, want still 1", got)
		}
		f.ask(ouMgr, "面谈 "+n+" 状态 2", "张三 · ⏳ 未回复")
		evs = f.fake.CalendarEvents()
		if len(evs) != 2 || evs[1].Deleted || len(evs[1].Attendees) != 2 {
			t.Errorf("after the status card: %+v, want the second interview's event with its 2 attendees", evs)
		}
	})
}
