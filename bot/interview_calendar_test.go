package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// fakeCalendar is a platform calendar that records what the engine asks.
type fakeCalendar struct {
	calls     []string // "put", "cancel", "responses"
	meets     []bot.Meeting
	events    map[int64]int // interview id → the version its event shows
	putErr    error
	cancelErr error
	respErr   error
	answers   map[string]bot.RSVP
}

func (f *fakeCalendar) PutMeeting(_ context.Context, m bot.Meeting) error {
	f.calls, f.meets = append(f.calls, "put"), append(f.meets, m)
	if f.putErr != nil {
		return f.putErr
	}
	f.events[m.InterviewID] = m.Sequence
	return nil
}

func (f *fakeCalendar) CancelMeeting(_ context.Context, m bot.Meeting) error {
	f.calls, f.meets = append(f.calls, "cancel"), append(f.meets, m)
	if f.cancelErr != nil {
		return f.cancelErr
	}
	delete(f.events, m.InterviewID)
	return nil
}

func (f *fakeCalendar) MeetingResponses(_ context.Context, m bot.Meeting) (map[string]bot.RSVP, error) {
	f.calls = append(f.calls, "responses")
	if f.respErr != nil {
		return nil, f.respErr
	}
	if seq, ok := f.events[m.InterviewID]; !ok || seq < m.Sequence {
		return nil, bot.ErrNotFound
	}
	return f.answers, nil
}

// withCalendar rebuilds w's engine with a calendar for its platform.
func withCalendar(w *world) *fakeCalendar {
	f := &fakeCalendar{events: map[int64]int{}}
	w.opts.Meetings = map[string]bot.MeetingCalendar{"console": f}
	w.build()
	return f
}

func TestCalendarFollowsTheInterview(t *testing.T) {
	w := newWorld(t)
	cal := withCalendar(w)
	n := w.activePlan()
	w.say(emp, "面谈 "+itoa(n)+" 自评 客户跟进慢，需要支持")
	sh, _ := time.LoadLocation("Asia/Shanghai")

	r := w.say(mgr, "面谈 "+itoa(n)+" 预约 2026-12-03 15:00 HR")
	mustContain(t, r, "📅")
	if strings.Join(cal.calls, ",") != "put" {
		t.Fatalf("booking asked the calendar %v, want one put", cal.calls)
	}
	booked := cal.meets[0]
	if want := time.Date(2026, 12, 3, 15, 0, 0, 0, sh); !booked.Start.Equal(want) || !booked.End.Equal(want.Add(50*time.Minute)) {
		t.Errorf("event %v–%v, want %v for 50 minutes", booked.Start, booked.End, want)
	}
	if booked.TZ.String() != "Asia/Shanghai" || booked.Sequence != 0 || booked.Cancelled {
		t.Errorf("booked meeting: zone %v, sequence %d, cancelled %v", booked.TZ, booked.Sequence, booked.Cancelled)
	}
	var ids []string
	for _, a := range booked.Attendees {
		ids = append(ids, a.ID)
	}
	if got, want := strings.Join(ids, ","), "u_emp,u_mgr,u_hr"; got != want {
		t.Errorf("attendees %s, want %s (employee, manager, HR invited)", got, want)
	}
	if booked.Organizer.ID != mgr.ID || booked.Organizer.Name != mgr.Name {
		t.Errorf("organizer %+v, want the booker", booked.Organizer)
	}
	for _, want := range []string{"面谈", "Interview"} {
		if !strings.Contains(booked.Summary, want) {
			t.Errorf("summary %q lacks %q (both languages)", booked.Summary, want)
		}
	}
	for _, private := range []string{"季度销售额", "客户跟进", "50万", "35万"} {
		if strings.Contains(booked.Summary+booked.Description, private) {
			t.Errorf("the calendar event carries plan content %q:\n%s\n%s", private, booked.Summary, booked.Description)
		}
	}
	if !strings.Contains(booked.Description, "开场 5′") || !strings.Contains(booked.Description, "Opening 5′") {
		t.Errorf("description lacks the agenda in both languages:\n%s", booked.Description)
	}
	for _, rep := range r {
		if rep.Invite != nil {
			t.Errorf("a platform with a calendar got an .ics invite on the reply to %q", rep.To)
		}
	}

	w.say(mgr, "面谈 "+itoa(n)+" 改期 2026-12-04 10:00")
	w.say(mgr, "面谈 "+itoa(n)+" 取消")
	if got := strings.Join(cal.calls, ","); got != "put,put,cancel" {
		t.Fatalf("book, move, cancel asked the calendar %s, want put,put,cancel", got)
	}
	moved, cancelled := cal.meets[1], cal.meets[2]
	if !moved.Start.Equal(time.Date(2026, 12, 4, 10, 0, 0, 0, sh)) || moved.Sequence != 1 || moved.UID != booked.UID {
		t.Errorf("moved meeting starts %v, sequence %d, uid %q; want 12-04 10:00, 1, %q", moved.Start, moved.Sequence, moved.UID, booked.UID)
	}
	if !cancelled.Cancelled || cancelled.Sequence != 2 || cancelled.UID != booked.UID || cancelled.InterviewID != booked.InterviewID {
		t.Errorf("cancelled meeting %+v, want the same interview cancelled at sequence 2", cancelled)
	}
	ivs, _ := w.store.Interviews(context.Background(), w.tenant, w.plan(n).ID)
	if len(ivs) != 1 || ivs[0].CalendarSeq != 2 || ivs[0].Status != bot.InterviewCancelled {
		t.Errorf("stored interview %+v, want cancelled at calendar version 2", ivs)
	}
}

func TestCalendarFailureLosesNothing(t *testing.T) {
	w := newWorld(t)
	cal := withCalendar(w)
	n := w.activePlan()
	cal.putErr = errors.New("feishu is down")
	r := w.say(mgr, "面谈 "+itoa(n)+" 预约 2026-12-03 15:00")
	mustContain(t, r, "⚠️", "面谈 "+itoa(n)+" 状态")
	ivs, _ := w.store.Interviews(context.Background(), w.tenant, w.plan(n).ID)
	if len(ivs) != 1 || ivs[0].Status != bot.InterviewBooked {
		t.Fatalf("a calendar failure undid the booking: %+v", ivs)
	}
	if len(r) != 2 || r[1].To != emp.ID {
		t.Fatalf("the employee was not told of the booking: %+v", r)
	}

	// The calendar still fails: the status card shows, answers unknown.
	cal.calls = nil
	r = w.say(mgr, "面谈 "+itoa(n)+" 状态")
	mustContain(t, r, "张三 · 状态未知", "王经理 · 状态未知", "暂时无法读取日历")
	// It works again: the missing event is made, then read.
	cal.putErr, cal.calls = nil, nil
	cal.answers = map[string]bot.RSVP{emp.ID: bot.RSVPAccept}
	r = w.say(mgr, "面谈 "+itoa(n)+" 状态")
	if got := strings.Join(cal.calls, ","); got != "responses,put,responses" {
		t.Errorf("status asked the calendar %s, want responses,put,responses", got)
	}
	mustContain(t, r, "张三 · ✅ 接受", "王经理 · ⏳ 未回复")

	// A move the calendar missed is put again when the status is shown.
	cal.putErr = errors.New("feishu is down")
	w.say(mgr, "面谈 "+itoa(n)+" 改期 2026-12-04 10:00")
	cal.putErr, cal.calls = nil, nil
	w.say(mgr, "面谈 "+itoa(n)+" 状态")
	if got := strings.Join(cal.calls, ","); got != "responses,put,responses" {
		t.Fatalf("status after a missed move asked %s, want responses,put,responses", got)
	}
	if last := cal.meets[len(cal.meets)-1]; last.Sequence != 1 || last.Start.UTC().Hour() != 2 {
		t.Errorf("the put after a missed move: sequence %d at %v, want the moved version 1", last.Sequence, last.Start.UTC())
	}
}

func TestStatusShowsEachAnswer(t *testing.T) {
	w := newWorld(t)
	cal := withCalendar(w)
	n := w.activePlan()
	w.say(mgr, "面谈 "+itoa(n)+" 预约 2026-12-03 15:00 HR")
	cal.answers = map[string]bot.RSVP{emp.ID: bot.RSVPTentative, mgr.ID: bot.RSVPAccept, hr.ID: bot.RSVPDecline}

	r := w.say(hr, "interview "+itoa(n)+" status")
	mustContain(t, r, "张三 · ❔ tentative", "王经理 · ✅ accepted", "HR Lin · ❌ declined", "Calendar replies")
	if got := buttons(r, ""); len(got) == 0 || got[0] != "interview.rsvp" {
		t.Errorf("buttons %v, want refresh first", got)
	}
	r = w.act(emp, "interview.rsvp", map[string]string{"plan": itoa(n), "interview": "1"}, nil)
	mustContain(t, r, "张三 · ❔ 待定")
	if !r[0].Replace {
		t.Error("refresh did not replace the clicked card")
	}

	cal.calls = nil
	r = w.say(other, "interview "+itoa(n)+" status")
	if strings.Contains(text(r), "Calendar replies") || len(cal.calls) != 0 {
		t.Errorf("someone outside the plan saw its interview (calendar calls %v):\n%s", cal.calls, text(r))
	}
}

func TestInvitesWithoutCalendar(t *testing.T) {
	w := newWorld(t)
	ny := "America/New_York"
	h := hr
	h.Tenant, h.TZ = w.tenant, ny
	if err := w.store.SavePerson(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	n := w.activePlan()
	invites := func(r []bot.Reply) map[string]*bot.Meeting {
		out := map[string]*bot.Meeting{}
		for _, rep := range r {
			if rep.Invite != nil {
				to := rep.To
				if to == "" {
					to = "actor"
				}
				out[to] = rep.Invite
			}
		}
		return out
	}
	book := invites(w.say(mgr, "面谈 "+itoa(n)+" 预约 2026-12-03 15:00 HR"))
	if len(book) != 3 || book["actor"] == nil || book[emp.ID] == nil || book[hr.ID] == nil {
		t.Fatalf("invites on booking %v, want the manager's answer, the employee's and HR's notices", book)
	}
	if book[hr.ID].TZ.String() != ny || book[emp.ID].TZ.String() != "Asia/Shanghai" {
		t.Errorf("invites in zones %v and %v, want each reader's", book[hr.ID].TZ, book[emp.ID].TZ)
	}
	uid := book[emp.ID].UID
	if book[hr.ID].UID != uid || book["actor"].Sequence != 0 || book[emp.ID].Cancelled {
		t.Errorf("booking invites disagree: %+v", book)
	}
	move := invites(w.say(mgr, "面谈 "+itoa(n)+" 改期 2026-12-04 10:00"))
	if m := move[emp.ID]; m == nil || m.UID != uid || m.Sequence != 1 || m.Cancelled {
		t.Errorf("move invite %+v, want uid %q at sequence 1", m, uid)
	}
	cancel := invites(w.say(mgr, "面谈 "+itoa(n)+" 取消"))
	if m := cancel[hr.ID]; m == nil || m.UID != uid || m.Sequence != 2 || !m.Cancelled {
		t.Errorf("cancel invite %+v, want uid %q cancelled at sequence 2", m, uid)
	}
	if len(cancel) != 3 {
		t.Errorf("cancel invites %v, want one per attendee", cancel)
	}
}

// TestNoticeCarriesTheInvite: on a platform without a calendar, the notice
// before the interview carries its current invitation for an attendee;
// with a calendar it carries none.
func TestNoticeCarriesTheInvite(t *testing.T) {
	w := newWorld(t)
	n := w.activePlan()
	w.say(mgr, "面谈 "+itoa(n)+" 预约 2026-12-03 15:00")
	w.say(mgr, "面谈 "+itoa(n)+" 改期 2026-12-04 10:00")
	ctx := context.Background()
	p := w.plan(n)
	ivs, _ := w.store.Interviews(ctx, w.tenant, p.ID)
	r := bot.Reminder{Tenant: w.tenant, PlanID: p.ID, Subject: "interview:" + itoa(int(ivs[0].ID)), Kind: bot.RemindInterview,
		DueKey: "2026-12-01", Recipient: emp.ID}
	rep, skip, err := w.engine.Reminder(ctx, r)
	if err != nil || skip {
		t.Fatalf("notice: %v, skip %v", err, skip)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if inv := rep.Invite; inv == nil || inv.Sequence != 1 || inv.Cancelled || !inv.Start.Equal(time.Date(2026, 12, 4, 10, 0, 0, 0, sh)) {
		t.Fatalf("the notice's invite %+v, want the moved interview at version 1", rep.Invite)
	}
	withCalendar(w)
	if rep, _, _ := w.engine.Reminder(ctx, r); rep.Invite != nil {
		t.Error("a platform with a calendar got an .ics on the notice")
	}
}

// TestCancelAgainRetriesTheCalendar: a cancel whose calendar delete failed
// says how to retry, and the same command asks the calendar again; it
// changes nothing else and is refused where there is no calendar.
func TestCancelAgainRetriesTheCalendar(t *testing.T) {
	w := newWorld(t)
	cal := withCalendar(w)
	n := w.activePlan()
	w.say(mgr, "面谈 "+itoa(n)+" 预约 2026-12-03 15:00")
	cal.cancelErr = errors.New("feishu is down")
	r := w.say(mgr, "面谈 "+itoa(n)+" 取消")
	mustContain(t, r, "已取消", "⚠️", "面谈 "+itoa(n)+" 取消 1")
	cal.cancelErr, cal.calls = nil, nil
	audit, _ := w.store.Audit(context.Background(), w.tenant, w.plan(n).ID)
	r = w.say(mgr, "面谈 "+itoa(n)+" 取消 1")
	mustContain(t, r, "已取消", "📅 已从参与人的日历中删除")
	if got := strings.Join(cal.calls, ","); got != "cancel" {
		t.Errorf("cancelling again asked the calendar %q, want one cancel", got)
	}
	if after, _ := w.store.Audit(context.Background(), w.tenant, w.plan(n).ID); len(after) != len(audit) {
		t.Errorf("cancelling again wrote %d audit entries, want none", len(after)-len(audit))
	}
	r = w.say(emp, "面谈 "+itoa(n)+" 取消 1")
	if strings.Contains(text(r), "📅") {
		t.Errorf("the employee, who may not cancel, reached the calendar:\n%s", text(r))
	}

	w2 := newWorld(t)
	n2 := w2.activePlan()
	w2.say(mgr, "面谈 "+itoa(n2)+" 预约 2026-12-03 15:00")
	w2.say(mgr, "面谈 "+itoa(n2)+" 取消")
	if r := w2.say(mgr, "面谈 "+itoa(n2)+" 取消 1"); strings.Contains(text(r), "📅") || !strings.Contains(text(r), "#1") {
		t.Errorf("without a calendar, cancelling again: %s", text(r))
	}
}
