package lark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	larkcalendar "github.com/larksuite/oapi-sdk-go/v3/service/calendar/v4"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

// memEvents is an EventStore in memory.
type memEvents struct {
	mu sync.Mutex
	m  map[string]memEvent
}

type memEvent struct {
	cal, ev string
	seq     int
}

func memKey(tenant string, id int64) string { return tenant + "|" + string(rune('0'+id)) }

func (s *memEvents) InterviewEvent(_ context.Context, tenant string, id int64) (string, string, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[memKey(tenant, id)]
	if !ok {
		return "", "", 0, bot.ErrNotFound
	}
	return v.cal, v.ev, v.seq, nil
}

func (s *memEvents) SaveInterviewEvent(_ context.Context, tenant string, id int64, cal, ev string, seq int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[memKey(tenant, id)] = memEvent{cal, ev, seq}
	return nil
}

func (s *memEvents) DeleteInterviewEvent(_ context.Context, tenant string, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, memKey(tenant, id))
	return nil
}

var calPeople = []larktest.User{
	{OpenID: "ou_emp", Name: "张三"}, {OpenID: "ou_mgr", Name: "王经理"}, {OpenID: "ou_hr", Name: "林HR"},
	{OpenID: "ou_guest", Name: "Guest"},
}

// calRig is a Calendar on the real SDK against a fake Open API.
func calRig(t *testing.T) (*larktest.Server, *Calendar, *memEvents) {
	s := larktest.NewServer(t, larktest.WithUsers(calPeople...))
	store := &memEvents{m: map[string]memEvent{}}
	return s, NewCalendar(outSender(s), store), store
}

// meeting is interview 1 of tenant lark:tk, 50 minutes from at in Shanghai.
func meeting(t *testing.T, at time.Time, seq int, attendees ...string) bot.Meeting {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	m := bot.Meeting{Tenant: "lark:tk", InterviewID: 1, UID: "pipbot-lark-tk-interview-1@pipbot", Sequence: seq,
		Start: at, End: at.Add(50 * time.Minute), TZ: sh, Summary: "面谈 · 计划 #12 · 第 1 次 / Interview · plan #12 · #1",
		Description: "议程：开场 5′\nAgenda: Opening 5′", Organizer: bot.MeetingPerson{ID: "ou_mgr", Name: "王经理"}}
	for _, a := range attendees {
		m.Attendees = append(m.Attendees, bot.MeetingPerson{ID: a})
	}
	return m
}

func attendeeIDs(ev larktest.CalendarEvent) string {
	var ids []string
	for _, a := range ev.Attendees {
		ids = append(ids, a.OpenID+"="+a.RSVP)
	}
	return strings.Join(ids, ",")
}

func TestCalendarBookMoveCancel(t *testing.T) {
	ctx := context.Background()
	s, cal, store := calRig(t)
	at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC) // 15:00 in Shanghai
	m := meeting(t, at, 0, "ou_emp", "ou_mgr", "ou_hr")

	if err := cal.PutMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	evs := s.CalendarEvents()
	if len(evs) != 1 {
		t.Fatalf("%d events after booking, want 1", len(evs))
	}
	ev := evs[0]
	if ev.CalendarID != larktest.PrimaryCalendarID(larktest.AppID) || !ev.Start.Equal(at) || !ev.End.Equal(at.Add(50*time.Minute)) ||
		ev.Timezone != "Asia/Shanghai" || ev.Visibility != "private" || ev.Summary != m.Summary || ev.Description != m.Description {
		t.Errorf("event %+v does not match the meeting", ev)
	}
	if got, want := attendeeIDs(ev), "ou_emp=needs_action,ou_mgr=needs_action,ou_hr=needs_action"; got != want {
		t.Errorf("attendees %s, want %s", got, want)
	}
	if _, id, _, err := store.InterviewEvent(ctx, "lark:tk", 1); err != nil || id != ev.ID {
		t.Errorf("stored event %q, %v; want %q", id, err, ev.ID)
	}

	// The same booking again (a retry) makes no second event or attendee.
	if err := cal.PutMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	moved := meeting(t, at.Add(24*time.Hour), 1, "ou_emp", "ou_mgr", "ou_hr")
	if err := cal.PutMeeting(ctx, moved); err != nil {
		t.Fatal(err)
	}
	evs = s.CalendarEvents()
	if len(evs) != 1 || !evs[0].Start.Equal(at.Add(24*time.Hour)) || evs[0].Patches != 2 || len(evs[0].Attendees) != 3 {
		t.Fatalf("after a retry and a move: %+v, want the one event moved, patched twice, 3 attendees", evs)
	}

	s.SetRSVP(ev.ID, "ou_emp", larktest.RSVPAccept)
	s.SetRSVP(ev.ID, "ou_mgr", larktest.RSVPDecline)
	s.SetRSVP(ev.ID, "ou_hr", larktest.RSVPTentative)
	got, err := cal.MeetingResponses(ctx, moved)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bot.RSVP{"ou_emp": bot.RSVPAccept, "ou_mgr": bot.RSVPDecline, "ou_hr": bot.RSVPTentative}
	if len(got) != len(want) || got["ou_emp"] != want["ou_emp"] || got["ou_mgr"] != want["ou_mgr"] || got["ou_hr"] != want["ou_hr"] {
		t.Errorf("responses %v, want %v", got, want)
	}

	cancelled := moved
	cancelled.Sequence, cancelled.Cancelled = 2, true
	if err := cal.CancelMeeting(ctx, cancelled); err != nil {
		t.Fatal(err)
	}
	if evs = s.CalendarEvents(); !evs[0].Deleted {
		t.Errorf("the cancelled interview's event was not deleted")
	}
	if _, _, _, err := store.InterviewEvent(ctx, "lark:tk", 1); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the deleted event is still remembered: %v", err)
	}
	if err := cal.CancelMeeting(ctx, cancelled); err != nil {
		t.Errorf("cancelling again: %v", err)
	}
	if _, err := cal.MeetingResponses(ctx, cancelled); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("responses of a cancelled interview: %v, want ErrNotFound", err)
	}
}

func TestCalendarManyAttendeesArePaged(t *testing.T) {
	ctx := context.Background()
	var users []larktest.User
	var ids []string
	for i := range 130 {
		id := "ou_p" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26))
		users = append(users, larktest.User{OpenID: id, Name: id})
		ids = append(ids, id)
	}
	s := larktest.NewServer(t, larktest.WithUsers(users...))
	cal := NewCalendar(outSender(s), &memEvents{m: map[string]memEvent{}})
	m := meeting(t, time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC), 0, ids...)
	if err := cal.PutMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	s.SetRSVP(s.CalendarEvents()[0].ID, ids[129], larktest.RSVPAccept)
	got, err := cal.MeetingResponses(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 130 || got[ids[129]] != bot.RSVPAccept || got[ids[0]] != bot.RSVPNeedsAction {
		t.Errorf("%d answers, last %q, first %q; want 130 over two pages", len(got), got[ids[129]], got[ids[0]])
	}
}

func TestCalendarErrors(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)

	t.Run("attendee of another tenant", func(t *testing.T) {
		s, cal, store := calRig(t)
		s.AddForeignUser("ou_guest")
		err := cal.PutMeeting(ctx, meeting(t, at, 0, "ou_emp", "ou_guest"))
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != larktest.CodeCalendarParam || Temporary(err) {
			t.Fatalf("inviting a guest: %v, want a terminal %d", err, larktest.CodeCalendarParam)
		}
		// The event was made and kept: trying again with the right people
		// completes it, with no second event.
		if _, _, _, err := store.InterviewEvent(ctx, "lark:tk", 1); err != nil {
			t.Fatalf("the event made before the refusal was not kept: %v", err)
		}
		if err := cal.PutMeeting(ctx, meeting(t, at, 0, "ou_emp", "ou_mgr")); err != nil {
			t.Fatal(err)
		}
		if evs := s.CalendarEvents(); len(evs) != 1 || attendeeIDs(evs[0]) != "ou_emp=needs_action,ou_mgr=needs_action" {
			t.Errorf("events %+v, want one with the employee and manager", evs)
		}
	})

	t.Run("server errors and rate limits are retried", func(t *testing.T) {
		s, cal, _ := calRig(t)
		s.FailCalendar(1, http.StatusInternalServerError, 190003, "internal service error")
		s.FailCalendar(1, http.StatusTooManyRequests, 190004, "method rate limited")
		if err := cal.PutMeeting(ctx, meeting(t, at, 0, "ou_emp")); err != nil {
			t.Fatalf("two passing failures: %v", err)
		}
		if evs := s.CalendarEvents(); len(evs) != 1 || len(evs[0].Attendees) != 1 {
			t.Errorf("events %+v, want one with its attendee", evs)
		}
	})

	t.Run("an event deleted on the platform is made again", func(t *testing.T) {
		s, cal, store := calRig(t)
		m := meeting(t, at, 0, "ou_emp")
		if err := cal.PutMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		calID, evID, _, _ := store.InterviewEvent(ctx, "lark:tk", 1)
		resp, err := cal.s.api.(calendarAPI).DeleteEvent(ctx, larkcalendar.NewDeleteCalendarEventReqBuilder().CalendarId(calID).EventId(evID).Build())
		if err != nil || !resp.Success() {
			t.Fatalf("delete behind pipbot's back: %v %+v", err, resp)
		}
		if _, err := cal.MeetingResponses(ctx, m); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("responses of a vanished event: %v, want ErrNotFound", err)
		}
		m.Sequence, m.Start, m.End = 1, at.Add(time.Hour), at.Add(110*time.Minute)
		if err := cal.PutMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		evs := s.CalendarEvents()
		if len(evs) != 2 || evs[1].Deleted || !evs[1].Start.Equal(at.Add(time.Hour)) {
			t.Fatalf("events %+v, want the vanished one and a new one at the new time", evs)
		}
		if _, id, _, _ := store.InterviewEvent(ctx, "lark:tk", 1); id != evs[1].ID {
			t.Errorf("stored %q, want the new event %q", id, evs[1].ID)
		}
	})

	t.Run("a failed call is an error, and nothing is forgotten", func(t *testing.T) {
		s, cal, store := calRig(t)
		m := meeting(t, at, 0, "ou_emp")
		if err := cal.PutMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		s.FailCalendar(1, http.StatusForbidden, 191002, "no calendar access_role")
		if err := cal.CancelMeeting(ctx, m); err == nil {
			t.Fatal("a refused delete was taken for done")
		}
		if _, _, _, err := store.InterviewEvent(ctx, "lark:tk", 1); err != nil {
			t.Fatalf("the event was forgotten after a refused delete: %v", err)
		}
		if err := cal.CancelMeeting(ctx, m); err != nil || !s.CalendarEvents()[0].Deleted {
			t.Fatalf("cancel again: %v", err)
		}
	})
}

// TestFakeCalendarAnswersLikeFeishu checks the fake itself: the token is
// required, an unknown event is 193001, another calendar is refused.
func TestFakeCalendarAnswersLikeFeishu(t *testing.T) {
	s := larktest.NewServer(t)
	resp, err := http.Post(s.URL+"/open-apis/calendar/v4/calendars/primary", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "99991661") {
		t.Errorf("no token: %d %s, want code 99991661", resp.StatusCode, body)
	}
	api := sdk{c: NewClient(larktest.AppID, larktest.AppSecret, s.URL, 5*time.Second)}
	ctx := context.Background()
	del, err := api.DeleteEvent(ctx, larkcalendar.NewDeleteCalendarEventReqBuilder().
		CalendarId(larktest.PrimaryCalendarID(larktest.AppID)).EventId("nope_0").Build())
	if err != nil || del.Code != larktest.CodeEventNotFound || del.StatusCode != http.StatusNotFound {
		t.Errorf("unknown event: %v, code %d, HTTP %d; want 193001, 404", err, del.Code, del.StatusCode)
	}
	cr, err := api.CreateEvent(ctx, larkcalendar.NewCreateCalendarEventReqBuilder().CalendarId("other@group.calendar.feishu.cn").
		CalendarEvent(larkcalendar.NewCalendarEventBuilder().Summary("x").Build()).Build())
	if err != nil || cr.Code != larktest.CodeCalendarNoAccess {
		t.Errorf("another calendar: %v, code %d; want 191002", err, cr.Code)
	}
}

// TestCalendarMissedMoveIsCaughtUp: a move the platform refused leaves the
// event at its old version; reading the answers says so (ErrNotFound, so
// the engine puts it again), and the next put patches it.
func TestCalendarMissedMoveIsCaughtUp(t *testing.T) {
	ctx := context.Background()
	s, cal, store := calRig(t)
	at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	if err := cal.PutMeeting(ctx, meeting(t, at, 0, "ou_emp")); err != nil {
		t.Fatal(err)
	}
	moved := meeting(t, at.Add(time.Hour), 1, "ou_emp")
	s.FailCalendar(1, http.StatusForbidden, 191002, "no calendar access_role")
	if err := cal.PutMeeting(ctx, moved); err == nil {
		t.Fatal("a refused patch was taken for done")
	}
	if _, _, seq, _ := store.InterviewEvent(ctx, "lark:tk", 1); seq != 0 {
		t.Errorf("after a refused move the event is remembered at version %d, want 0", seq)
	}
	if _, err := cal.MeetingResponses(ctx, moved); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("answers of an event behind its interview: %v, want ErrNotFound", err)
	}
	if err := cal.PutMeeting(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if got, err := cal.MeetingResponses(ctx, moved); err != nil || got["ou_emp"] != bot.RSVPNeedsAction {
		t.Fatalf("answers after catching up: %v, %v", got, err)
	}
	if evs := s.CalendarEvents(); len(evs) != 1 || !evs[0].Start.Equal(at.Add(time.Hour)) {
		t.Errorf("events %+v, want the one event at the moved time", evs)
	}
}

// TestCalendarUnderRateLimits: against ceilings cut to a twentieth, the
// fake answers some calendar calls with 429 and the calls still complete,
// each interview with one event.
func TestCalendarUnderRateLimits(t *testing.T) {
	ctx := context.Background()
	s := larktest.NewServer(t, larktest.WithUsers(calPeople...), larktest.WithScale(0.05))
	store := &memEvents{m: map[string]memEvent{}}
	cal := NewCalendar(outSender(s, func(o *SenderOptions) { o.Limits = DefaultLimits().Scale(10) }), store)
	at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	for i := range 3 {
		m := meeting(t, at.Add(time.Duration(i)*time.Hour), 0, "ou_emp", "ou_mgr")
		m.InterviewID, m.UID = int64(i+1), fmt.Sprintf("pipbot-lark-tk-interview-%d@pipbot", i+1)
		if err := cal.PutMeeting(ctx, m); err != nil {
			t.Fatalf("interview %d: %v", i+1, err)
		}
	}
	if n := len(s.CalendarEvents()); n != 3 {
		t.Errorf("%d events, want 3", n)
	}
	if s.Count429() == 0 {
		t.Error("the fake never refused a calendar call: its limits are not applied")
	}
}
