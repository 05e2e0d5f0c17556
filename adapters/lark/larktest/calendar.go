package larktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The calendar v4 API as an app uses it with its tenant_access_token: the
// app's own (primary) calendar, events on it, their attendees and each
// attendee's answer. Paths, JSON shapes and codes follow the calendar v4
// reference; an event of another calendar, or one deleted, is answered
// like an unknown one.

// Codes of the calendar v4 API.
const (
	CodeCalendarParam    = 190002 // invalid parameters in request (also: an attendee outside the tenant)
	CodeCalendarNotFound = 191000 // calendar not found
	CodeCalendarNoAccess = 191002 // no calendar access_role: not the app's calendar
	CodeEventNotFound    = 193001 // event not found (unknown, or deleted)
)

// apiCalendar counts the calendar calls against the app's rate limits.
const apiCalendar = "calendar"

// maxAttendees is how many attendees one event may have.
const maxAttendees = 3000

// RSVP statuses of an attendee (rsvp_status).
const (
	RSVPNeedsAction = "needs_action"
	RSVPAccept      = "accept"
	RSVPTentative   = "tentative"
	RSVPDecline     = "decline"
)

// CalendarEvent is an event on an app's calendar, as the fake holds it.
type CalendarEvent struct {
	ID          string
	CalendarID  string
	App         string
	Summary     string
	Description string
	Start, End  time.Time
	Timezone    string // of start_time
	Visibility  string
	Deleted     bool
	// Attendees in the order they were added, with their answers.
	Attendees []CalendarAttendee
	Patches   int // successful PATCHes
}

// CalendarAttendee is one user attendee and their answer.
type CalendarAttendee struct {
	OpenID string
	RSVP   string
}

// calendarState is the fake's calendar data, made on first use.
type calendarState struct {
	events  map[string]*CalendarEvent
	order   []string
	idem    map[string]string // calendar|idempotency_key → event id
	foreign map[string]bool   // open ids of another tenant
	faults  []calendarFault
}

// calendarFault is an answer the next calendar request gets instead.
type calendarFault struct {
	status, code int
	msg          string
}

// calendarData returns the calendar state; s.mu must be held.
func (s *Server) calendarData() *calendarState {
	if s.cal == nil {
		s.cal = &calendarState{events: map[string]*CalendarEvent{}, idem: map[string]string{}, foreign: map[string]bool{}}
	}
	return s.cal
}

// PrimaryCalendarID is the id of an app's own calendar.
func PrimaryCalendarID(app string) string {
	return "feishu.cn_" + strings.TrimPrefix(app, "cli_") + "@group.calendar.feishu.cn"
}

// AddForeignUser makes open id a user of another tenant: the contact API
// may know them (a shared chat), but no event of this tenant may invite them.
func (s *Server) AddForeignUser(openID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calendarData().foreign[openID] = true
}

// FailCalendar answers the next n calendar requests with status and code,
// and does nothing else for them.
func (s *Server) FailCalendar(n, status, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calendarData()
	for range n {
		c.faults = append(c.faults, calendarFault{status, code, msg})
	}
}

// SetRSVP records attendee openID's answer to event id, as if they had
// answered in the Feishu client; false when they are not invited.
func (s *Server) SetRSVP(eventID, openID, rsvp string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := s.calendarData().events[eventID]
	if ev == nil {
		return false
	}
	for i := range ev.Attendees {
		if ev.Attendees[i].OpenID == openID {
			ev.Attendees[i].RSVP = rsvp
			return true
		}
	}
	return false
}

// CalendarEvents lists every event made, deleted ones too, oldest first.
func (s *Server) CalendarEvents() []CalendarEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calendarData()
	out := make([]CalendarEvent, 0, len(c.order))
	for _, id := range c.order {
		ev := *c.events[id]
		ev.Attendees = slices.Clone(ev.Attendees)
		out = append(out, ev)
	}
	return out
}

// calendar routes /open-apis/calendar/v4/… for app.
func (s *Server) calendar(r *http.Request, app string) reply {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/open-apis/calendar/v4/"), "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calendarData()
	if len(c.faults) > 0 {
		f := c.faults[0]
		c.faults = c.faults[1:]
		return fail(f.status, f.code, f.msg)
	}
	if rep, ok := s.admit(s.now(), s.appLimits(app, apiCalendar)...); !ok {
		return rep
	}
	if t := r.URL.Query().Get("user_id_type"); t != "" && t != "open_id" {
		return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=only user_id_type=open_id is faked")
	}
	switch {
	case r.Method == http.MethodPost && len(parts) == 2 && parts[0] == "calendars" && parts[1] == "primary":
		return success(map[string]any{"calendars": []any{map[string]any{
			"calendar": map[string]any{"calendar_id": PrimaryCalendarID(app), "summary": BotName, "type": "primary",
				"role": "owner", "permissions": "private"},
			"user_id": BotOpenID}}})
	case len(parts) < 3 || parts[0] != "calendars" || parts[2] != "events":
		return fail(http.StatusNotFound, 404, "404 page not found")
	}
	switch parts[1] {
	case PrimaryCalendarID(app):
	case "primary":
		return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=use the calendar_id")
	default:
		if strings.HasSuffix(parts[1], "@group.calendar.feishu.cn") {
			return fail(http.StatusForbidden, CodeCalendarNoAccess, "no calendar access_role")
		}
		return fail(http.StatusNotFound, CodeCalendarNotFound, "calendar not found")
	}
	calID := parts[1]
	if len(parts) == 3 {
		if r.Method == http.MethodPost {
			return s.createEvent(r, c, app, calID)
		}
		return fail(http.StatusNotFound, 404, "404 page not found")
	}
	ev := c.events[parts[3]]
	if ev == nil || ev.Deleted || ev.CalendarID != calID {
		return fail(http.StatusNotFound, CodeEventNotFound, "event not found")
	}
	switch {
	case len(parts) == 4 && r.Method == http.MethodPatch:
		return s.patchEvent(r, ev)
	case len(parts) == 4 && r.Method == http.MethodDelete:
		ev.Deleted = true
		return success(map[string]any{})
	case len(parts) == 5 && parts[4] == "attendees" && r.Method == http.MethodPost:
		return s.addAttendees(r, c, ev)
	case len(parts) == 5 && parts[4] == "attendees" && r.Method == http.MethodGet:
		return listAttendees(r, ev)
	}
	return fail(http.StatusNotFound, 404, "404 page not found")
}

// eventBody is the event fields the fake reads.
type eventBody struct {
	Summary     *string   `json:"summary"`
	Description *string   `json:"description"`
	StartTime   *timeInfo `json:"start_time"`
	EndTime     *timeInfo `json:"end_time"`
	Visibility  *string   `json:"visibility"`
}

// timeInfo is a non-all-day time: a timestamp in seconds and a zone.
type timeInfo struct {
	Timestamp string `json:"timestamp"`
	Timezone  string `json:"timezone"`
}

// parse reads t; the zone defaults to Asia/Shanghai, as the platform's.
func (t *timeInfo) parse() (time.Time, string, bool) {
	sec, err := strconv.ParseInt(t.Timestamp, 10, 64)
	if err != nil {
		return time.Time{}, "", false
	}
	tz := t.Timezone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return time.Time{}, "", false
	}
	return time.Unix(sec, 0).UTC(), tz, true
}

// apply sets the fields of b on ev, checking them as the platform does.
func (b eventBody) apply(ev *CalendarEvent) (reply, bool) {
	bad := func(ext string) (reply, bool) {
		return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext="+ext), false
	}
	if b.Summary != nil {
		if len([]rune(*b.Summary)) > 1000 {
			return bad("summary too long")
		}
		ev.Summary = *b.Summary
	}
	if b.Description != nil {
		if len([]rune(*b.Description)) > 40960 {
			return bad("description too long")
		}
		ev.Description = *b.Description
	}
	start, end := ev.Start, ev.End
	if b.StartTime != nil {
		t, tz, ok := b.StartTime.parse()
		if !ok {
			return bad("invalid start_time")
		}
		start, ev.Timezone = t, tz
	}
	if b.EndTime != nil {
		t, _, ok := b.EndTime.parse()
		if !ok {
			return bad("invalid end_time")
		}
		end = t
	}
	if start.IsZero() || !end.After(start) {
		return bad("end_time must be after start_time")
	}
	ev.Start, ev.End = start, end
	if b.Visibility != nil {
		switch *b.Visibility {
		case "default", "public", "private":
			ev.Visibility = *b.Visibility
		default:
			return bad("invalid visibility")
		}
	}
	return reply{}, true
}

// createEvent answers POST /calendars/:calendar_id/events.
func (s *Server) createEvent(r *http.Request, c *calendarState, app, calID string) reply {
	var in eventBody
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=invalid body")
	}
	key := r.URL.Query().Get("idempotency_key")
	if id, seen := c.idem[calID+"|"+key]; key != "" && seen {
		return success(map[string]any{"event": eventJSON(c.events[id])})
	}
	if in.StartTime == nil || in.EndTime == nil {
		return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=start_time and end_time are required")
	}
	s.seq++
	ev := &CalendarEvent{ID: fmt.Sprintf("fake%08d_0", s.seq), CalendarID: calID, App: app, Visibility: "default"}
	if rep, ok := in.apply(ev); !ok {
		return rep
	}
	c.events[ev.ID] = ev
	c.order = append(c.order, ev.ID)
	if key != "" {
		c.idem[calID+"|"+key] = ev.ID
	}
	return success(map[string]any{"event": eventJSON(ev)})
}

// patchEvent answers PATCH /calendars/:calendar_id/events/:event_id.
func (s *Server) patchEvent(r *http.Request, ev *CalendarEvent) reply {
	var in eventBody
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=invalid body")
	}
	next := *ev
	if rep, ok := in.apply(&next); !ok {
		return rep
	}
	next.Patches++
	*ev = next
	return success(map[string]any{"event": eventJSON(ev)})
}

// eventJSON is an event as the API returns it.
func eventJSON(ev *CalendarEvent) map[string]any {
	return map[string]any{
		"event_id": ev.ID, "organizer_calendar_id": ev.CalendarID, "summary": ev.Summary, "description": ev.Description,
		"start_time": map[string]any{"timestamp": strconv.FormatInt(ev.Start.Unix(), 10), "timezone": ev.Timezone},
		"end_time":   map[string]any{"timestamp": strconv.FormatInt(ev.End.Unix(), 10), "timezone": ev.Timezone},
		"visibility": ev.Visibility, "status": "confirmed", "free_busy_status": "busy",
		"create_time": strconv.FormatInt(ev.Start.Unix(), 10),
	}
}

// addAttendees answers POST …/events/:event_id/attendees: users by open
// id, of this tenant (known to its directory and not foreign). Someone
// already invited stays as they are; all or nothing.
func (s *Server) addAttendees(r *http.Request, c *calendarState, ev *CalendarEvent) reply {
	var in struct {
		Attendees []struct {
			Type       string `json:"type"`
			AttendeeID string `json:"attendee_id"`
			UserID     string `json:"user_id"`
		} `json:"attendees"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Attendees) == 0 {
		return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=attendees are required")
	}
	var add []string
	for _, a := range in.Attendees {
		id := a.AttendeeID
		if id == "" {
			id = a.UserID
		}
		switch {
		case a.Type != "user":
			return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=only user attendees are faked")
		case c.foreign[id]:
			return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=attendee "+id+" is not in the same tenant as the organizer")
		case s.users[id].OpenID == "":
			return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=invalid user id "+id)
		}
		add = append(add, id)
	}
	fresh := 0
	for _, id := range add {
		if !slices.ContainsFunc(ev.Attendees, func(a CalendarAttendee) bool { return a.OpenID == id }) {
			fresh++
		}
	}
	if len(ev.Attendees)+fresh > maxAttendees {
		return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=an event has at most 3000 attendees")
	}
	for _, id := range add {
		if !slices.ContainsFunc(ev.Attendees, func(a CalendarAttendee) bool { return a.OpenID == id }) {
			ev.Attendees = append(ev.Attendees, CalendarAttendee{OpenID: id, RSVP: RSVPNeedsAction})
		}
	}
	items := make([]any, 0, len(ev.Attendees))
	for i, a := range ev.Attendees {
		items = append(items, s.attendeeJSON(i, a))
	}
	return success(map[string]any{"attendees": items})
}

// attendeeJSON is attendee i as the API returns it.
func (s *Server) attendeeJSON(i int, a CalendarAttendee) map[string]any {
	return map[string]any{"type": "user", "attendee_id": fmt.Sprintf("user_%d", i+1), "user_id": a.OpenID,
		"rsvp_status": a.RSVP, "is_optional": false, "is_organizer": false, "is_external": false,
		"display_name": s.users[a.OpenID].Name}
}

// listAttendees answers GET …/events/:event_id/attendees, a page at a
// time (page_size 1–100, default 20; page_token from the last page).
func listAttendees(r *http.Request, ev *CalendarEvent) reply {
	q := r.URL.Query()
	size := 20
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=page_size")
		}
		size = n
	}
	from := 0
	if v := q.Get("page_token"); v != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "p"))
		if err != nil || n < 0 || n > len(ev.Attendees) {
			return fail(http.StatusBadRequest, CodeCalendarParam, "invalid parameters in request, ext=page_token")
		}
		from = n
	}
	to := min(from+size, len(ev.Attendees))
	items := make([]any, 0, to-from)
	for i := from; i < to; i++ {
		a := ev.Attendees[i]
		items = append(items, map[string]any{"type": "user", "attendee_id": fmt.Sprintf("user_%d", i+1), "user_id": a.OpenID,
			"rsvp_status": a.RSVP, "is_optional": false, "is_organizer": false, "is_external": false})
	}
	data := map[string]any{"items": items, "has_more": to < len(ev.Attendees)}
	if to < len(ev.Attendees) {
		data["page_token"] = "p" + strconv.Itoa(to)
	}
	return success(data)
}
