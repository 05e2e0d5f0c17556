package lark

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"sync"

	larkcalendar "github.com/larksuite/oapi-sdk-go/v3/service/calendar/v4"

	"github.com/pipbot/pipbot/bot"
)

// Interviews in Feishu calendars (bot.MeetingCalendar), through calendar
// v4 with the app's identity (tenant_access_token): each interview is one
// event on the app's own, primary calendar, with the employee, the manager
// and HR when invited as user attendees by open_id. The event is private
// (visibility "private"), so colleagues who see an attendee's calendar see
// only that they are busy. Its id is kept against the interview
// (EventStore) so a move patches it, a cancel deletes it, and the
// attendees' answers (rsvp_status) can be read for the interview card.
//
// Scopes: calendar:calendar:read (the primary calendar),
// calendar:calendar.event:create, :update (also for attendees), :delete
// and :read (the attendee list); see docs/feishu.md.

// EventStore remembers which event belongs to which interview, and the
// invitation version (bot.Meeting.Sequence) it shows, -1 while it is made
// but its attendees not yet invited (*storage.DB); an interview without
// one is bot.ErrNotFound.
type EventStore interface {
	InterviewEvent(ctx context.Context, tenant string, interviewID int64) (calendarID, eventID string, sequence int, err error)
	SaveInterviewEvent(ctx context.Context, tenant string, interviewID int64, calendarID, eventID string, sequence int) error
	DeleteInterviewEvent(ctx context.Context, tenant string, interviewID int64) error
}

// calendarAPI lists the calendar v4 calls the adapter makes.
type calendarAPI interface {
	PrimaryCalendar(ctx context.Context, req *larkcalendar.PrimaryCalendarReq) (*larkcalendar.PrimaryCalendarResp, error)
	CreateEvent(ctx context.Context, req *larkcalendar.CreateCalendarEventReq) (*larkcalendar.CreateCalendarEventResp, error)
	PatchEvent(ctx context.Context, req *larkcalendar.PatchCalendarEventReq) (*larkcalendar.PatchCalendarEventResp, error)
	DeleteEvent(ctx context.Context, req *larkcalendar.DeleteCalendarEventReq) (*larkcalendar.DeleteCalendarEventResp, error)
	CreateAttendees(ctx context.Context, req *larkcalendar.CreateCalendarEventAttendeeReq) (*larkcalendar.CreateCalendarEventAttendeeResp, error)
	ListAttendees(ctx context.Context, req *larkcalendar.ListCalendarEventAttendeeReq) (*larkcalendar.ListCalendarEventAttendeeResp, error)
}

func (s sdk) PrimaryCalendar(ctx context.Context, req *larkcalendar.PrimaryCalendarReq) (*larkcalendar.PrimaryCalendarResp, error) {
	return s.c.Calendar.V4.Calendar.Primary(ctx, req)
}

func (s sdk) CreateEvent(ctx context.Context, req *larkcalendar.CreateCalendarEventReq) (*larkcalendar.CreateCalendarEventResp, error) {
	return s.c.Calendar.V4.CalendarEvent.Create(ctx, req)
}

func (s sdk) PatchEvent(ctx context.Context, req *larkcalendar.PatchCalendarEventReq) (*larkcalendar.PatchCalendarEventResp, error) {
	return s.c.Calendar.V4.CalendarEvent.Patch(ctx, req)
}

func (s sdk) DeleteEvent(ctx context.Context, req *larkcalendar.DeleteCalendarEventReq) (*larkcalendar.DeleteCalendarEventResp, error) {
	return s.c.Calendar.V4.CalendarEvent.Delete(ctx, req)
}

func (s sdk) CreateAttendees(ctx context.Context, req *larkcalendar.CreateCalendarEventAttendeeReq) (*larkcalendar.CreateCalendarEventAttendeeResp, error) {
	return s.c.Calendar.V4.CalendarEventAttendee.Create(ctx, req)
}

func (s sdk) ListAttendees(ctx context.Context, req *larkcalendar.ListCalendarEventAttendeeReq) (*larkcalendar.ListCalendarEventAttendeeResp, error) {
	return s.c.Calendar.V4.CalendarEventAttendee.List(ctx, req)
}

// codeEventNotFound: the event is unknown or was deleted (calendar v4).
const codeEventNotFound = 193001

// apiCalendar names the calendar calls' rate-limit buckets (1,000/min and
// 50/s per app, like the other APIs).
const apiCalendar = "calendar"

// Calendar is bot.MeetingCalendar on Feishu. It shares the Sender's
// client, retries and rate limits.
type Calendar struct {
	s      *Sender
	api    calendarAPI
	events EventStore

	mu         sync.Mutex
	calendarID string // the app's primary calendar, once looked up
}

// NewCalendar builds the Feishu calendar of interviews on s's client.
func NewCalendar(s *Sender, events EventStore) *Calendar {
	api, _ := s.api.(calendarAPI)
	return &Calendar{s: s, api: api, events: events}
}

var _ bot.MeetingCalendar = (*Calendar)(nil)

// errNoCalendarAPI: the Sender's client cannot make calendar calls.
var errNoCalendarAPI = errors.New("the client cannot call the calendar API")

// primary returns the app's own calendar id, looked up once.
func (c *Calendar) primary(ctx context.Context) (string, error) {
	if c.api == nil {
		return "", errNoCalendarAPI
	}
	c.mu.Lock()
	id := c.calendarID
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	err := c.s.call(ctx, "primary calendar", c.s.buckets(apiCalendar, ""), func(ctx context.Context) (result, error) {
		resp, err := c.api.PrimaryCalendar(ctx, larkcalendar.NewPrimaryCalendarReqBuilder().UserIdType("open_id").Build())
		if err != nil {
			return result{}, err
		}
		if resp.Data != nil {
			for _, uc := range resp.Data.Calendars {
				if uc != nil && uc.Calendar != nil && uc.Calendar.CalendarId != nil {
					id = *uc.Calendar.CalendarId
					break
				}
			}
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
	if err == nil && id == "" {
		err = errors.New("primary calendar: the platform returned no calendar")
	}
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.calendarID = id
	c.mu.Unlock()
	return id, nil
}

// eventBody is the meeting's event: title, text, times in the
// organizer's zone, private, busy.
func eventBody(m bot.Meeting) *larkcalendar.CalendarEvent {
	tz := "Asia/Shanghai"
	if m.TZ != nil && m.TZ.String() != "Local" {
		tz = m.TZ.String()
	}
	at := func(sec int64) *larkcalendar.TimeInfo {
		return larkcalendar.NewTimeInfoBuilder().Timestamp(strconv.FormatInt(sec, 10)).Timezone(tz).Build()
	}
	return larkcalendar.NewCalendarEventBuilder().
		Summary(m.Summary).Description(m.Description).NeedNotification(true).
		StartTime(at(m.Start.Unix())).EndTime(at(m.End.Unix())).
		Visibility("private").FreeBusyStatus("busy").AttendeeAbility("none").
		Build()
}

// idempotencyKey is the create's key for m's version: a retry of the same
// create makes no second event, a later version may make a new one.
func idempotencyKey(m bot.Meeting) string {
	sum := sha256.Sum256([]byte(m.UID + "|" + strconv.Itoa(m.Sequence)))
	h := fmt.Sprintf("%x", sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// PutMeeting creates the interview's event and invites its attendees, or
// patches the event made before; an event the platform no longer has is
// made again. The event's id is kept as soon as it exists, and the
// version once its attendees are invited. Inviting someone already
// invited changes nothing, so a retry after any failure is safe.
func (c *Calendar) PutMeeting(ctx context.Context, m bot.Meeting) error {
	cal, err := c.primary(ctx)
	if err != nil {
		return fmt.Errorf("put interview %d in calendar: %w", m.InterviewID, err)
	}
	eventID, err := c.eventOf(ctx, m, cal)
	if err != nil {
		return err
	}
	if eventID != "" {
		err = c.patch(ctx, cal, eventID, m)
		if isEventGone(err) {
			eventID = ""
		} else if err != nil {
			return err
		}
	}
	if eventID == "" {
		if eventID, err = c.create(ctx, cal, m); err != nil {
			return err
		}
		if err := c.events.SaveInterviewEvent(ctx, m.Tenant, m.InterviewID, cal, eventID, -1); err != nil {
			return fmt.Errorf("put interview %d in calendar: %w", m.InterviewID, err)
		}
	}
	if err := c.invite(ctx, cal, eventID, m); err != nil {
		return err
	}
	if err := c.events.SaveInterviewEvent(ctx, m.Tenant, m.InterviewID, cal, eventID, m.Sequence); err != nil {
		return fmt.Errorf("put interview %d in calendar: %w", m.InterviewID, err)
	}
	return nil
}

// eventOf is the stored event of m on calendar cal, "" for none.
func (c *Calendar) eventOf(ctx context.Context, m bot.Meeting, cal string) (string, error) {
	storedCal, eventID, _, err := c.events.InterviewEvent(ctx, m.Tenant, m.InterviewID)
	switch {
	case errors.Is(err, bot.ErrNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("calendar event of interview %d: %w", m.InterviewID, err)
	case storedCal != cal:
		return "", nil // made on a calendar the app no longer has
	}
	return eventID, nil
}

// isEventGone reports an answer that the event does not exist (any more).
func isEventGone(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == codeEventNotFound
}

// create makes m's event on cal and returns its id.
func (c *Calendar) create(ctx context.Context, cal string, m bot.Meeting) (string, error) {
	req := larkcalendar.NewCreateCalendarEventReqBuilder().CalendarId(cal).IdempotencyKey(idempotencyKey(m)).
		UserIdType("open_id").CalendarEvent(eventBody(m)).Build()
	var id string
	err := c.s.call(ctx, "create event", c.s.buckets(apiCalendar, ""), func(ctx context.Context) (result, error) {
		resp, err := c.api.CreateEvent(ctx, req)
		if err != nil {
			return result{}, err
		}
		if resp.Data != nil && resp.Data.Event != nil && resp.Data.Event.EventId != nil {
			id = *resp.Data.Event.EventId
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
	if err == nil && id == "" {
		err = errors.New("create event: the platform returned no event_id")
	}
	return id, err
}

// patch moves the event to m's time and text.
func (c *Calendar) patch(ctx context.Context, cal, eventID string, m bot.Meeting) error {
	req := larkcalendar.NewPatchCalendarEventReqBuilder().CalendarId(cal).EventId(eventID).
		UserIdType("open_id").CalendarEvent(eventBody(m)).Build()
	return c.s.call(ctx, "patch event", c.s.buckets(apiCalendar, ""), func(ctx context.Context) (result, error) {
		resp, err := c.api.PatchEvent(ctx, req)
		if err != nil {
			return result{}, err
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
}

// invite adds m's attendees to the event as user attendees by open_id.
func (c *Calendar) invite(ctx context.Context, cal, eventID string, m bot.Meeting) error {
	var as []*larkcalendar.CalendarEventAttendee
	for _, a := range m.Attendees {
		as = append(as, larkcalendar.NewCalendarEventAttendeeBuilder().Type("user").AttendeeId(a.ID).Build())
	}
	if len(as) == 0 {
		return nil
	}
	req := larkcalendar.NewCreateCalendarEventAttendeeReqBuilder().CalendarId(cal).EventId(eventID).UserIdType("open_id").
		Body(larkcalendar.NewCreateCalendarEventAttendeeReqBodyBuilder().Attendees(as).NeedNotification(true).Build()).Build()
	return c.s.call(ctx, "invite attendees", c.s.buckets(apiCalendar, ""), func(ctx context.Context) (result, error) {
		resp, err := c.api.CreateAttendees(ctx, req)
		if err != nil {
			return result{}, err
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
}

// CancelMeeting deletes the interview's event, telling its attendees, and
// forgets it; an event the platform no longer has is already gone.
func (c *Calendar) CancelMeeting(ctx context.Context, m bot.Meeting) error {
	cal, eventID, _, err := c.events.InterviewEvent(ctx, m.Tenant, m.InterviewID)
	if errors.Is(err, bot.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("calendar event of interview %d: %w", m.InterviewID, err)
	}
	if c.api == nil {
		return errNoCalendarAPI
	}
	req := larkcalendar.NewDeleteCalendarEventReqBuilder().CalendarId(cal).EventId(eventID).NeedNotification("true").Build()
	err = c.s.call(ctx, "delete event", c.s.buckets(apiCalendar, ""), func(ctx context.Context) (result, error) {
		resp, err := c.api.DeleteEvent(ctx, req)
		if err != nil {
			return result{}, err
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
	if err != nil && !isEventGone(err) {
		return err
	}
	return c.events.DeleteInterviewEvent(ctx, m.Tenant, m.InterviewID)
}

// MeetingResponses reads each user attendee's rsvp_status, page by page.
// An interview without an event, whose event shows an older version than
// m (a move or an invitation that failed), or whose event the platform no
// longer has, is bot.ErrNotFound: the engine puts it again.
func (c *Calendar) MeetingResponses(ctx context.Context, m bot.Meeting) (map[string]bot.RSVP, error) {
	cal, eventID, seq, err := c.events.InterviewEvent(ctx, m.Tenant, m.InterviewID)
	if err != nil {
		return nil, fmt.Errorf("calendar event of interview %d: %w", m.InterviewID, err)
	}
	if seq < m.Sequence {
		return nil, fmt.Errorf("calendar event of interview %d shows version %d of %d: %w", m.InterviewID, seq, m.Sequence, bot.ErrNotFound)
	}
	if c.api == nil {
		return nil, errNoCalendarAPI
	}
	out := map[string]bot.RSVP{}
	token := ""
	for page := 0; page < 50; page++ {
		b := larkcalendar.NewListCalendarEventAttendeeReqBuilder().CalendarId(cal).EventId(eventID).
			UserIdType("open_id").PageSize(100)
		if token != "" {
			b = b.PageToken(token)
		}
		req := b.Build()
		var more bool
		err := c.s.call(ctx, "list attendees", c.s.buckets(apiCalendar, ""), func(ctx context.Context) (result, error) {
			resp, err := c.api.ListAttendees(ctx, req)
			if err != nil {
				return result{}, err
			}
			more, token = false, ""
			if d := resp.Data; d != nil {
				for _, a := range d.Items {
					if a == nil || a.UserId == nil || (a.Type != nil && *a.Type != "user") {
						continue
					}
					status := bot.RSVPNeedsAction
					if a.RsvpStatus != nil && *a.RsvpStatus != "" {
						status = bot.RSVP(*a.RsvpStatus)
					}
					out[*a.UserId] = status
				}
				more = d.HasMore != nil && *d.HasMore
				if d.PageToken != nil {
					token = *d.PageToken
				}
			}
			return resultOf(resp.ApiResp, resp.CodeError), nil
		})
		if isEventGone(err) {
			if ferr := c.events.DeleteInterviewEvent(ctx, m.Tenant, m.InterviewID); ferr != nil {
				return nil, ferr
			}
			return nil, fmt.Errorf("attendees of interview %d: %w", m.InterviewID, bot.ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		if !more || token == "" {
			return out, nil
		}
	}
	return out, nil
}
