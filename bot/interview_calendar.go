package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Interviews in people's calendars. On a platform with a calendar API
// (Feishu calendar v4) the engine asks a MeetingCalendar to create the
// interview's event when it is booked, move it when it is moved and delete
// it when it is cancelled, after the change is committed; the attendees'
// answers show on the interview's status card. On a platform without one
// (Slack) each attendee's notice carries the meeting as an Invite, which
// the adapter attaches as an .ics file in the person's DM.
//
// A meeting says no more than its attendees may see and less than the
// plan: when, how long, the agenda and who booked it. Calendars are seen by
// assistants and colleagues, so no goal, figure, preparation or reason.

// RSVP is an attendee's answer to a calendar invitation.
type RSVP string

// Answers, as Feishu names them (attendee rsvp_status).
const (
	RSVPNeedsAction RSVP = "needs_action"
	RSVPAccept      RSVP = "accept"
	RSVPTentative   RSVP = "tentative"
	RSVPDecline     RSVP = "decline"
)

// MeetingPerson is an organizer or attendee of a meeting.
type MeetingPerson struct {
	ID   string // platform user ID
	Name string
}

// Meeting is an interview as a calendar event.
type Meeting struct {
	Tenant      string
	InterviewID int64
	// UID identifies the meeting in every calendar and never changes.
	UID string
	// Sequence is the interview's CalendarSeq: it grows with each move and
	// with the cancel, so calendars take the newest version.
	Sequence  int
	Cancelled bool
	Start     time.Time
	End       time.Time
	Stamp     time.Time // when this version was made
	// TZ is the zone the meeting is written in: the organizer's for a
	// platform calendar, the reader's for an Invite.
	TZ          *time.Location
	Summary     string // Chinese and English
	Description string // Chinese and English; no plan content
	Organizer   MeetingPerson
	Attendees   []MeetingPerson
}

// MeetingCalendar puts interviews into the attendees' calendars on a
// platform that has a calendar (*lark.Calendar). Every method may be called
// again with the same meeting after a failure.
type MeetingCalendar interface {
	// PutMeeting creates the meeting's event and invites its attendees, or
	// updates the event it created before for the same InterviewID.
	PutMeeting(ctx context.Context, m Meeting) error
	// CancelMeeting deletes the meeting's event; nil when there is none.
	CancelMeeting(ctx context.Context, m Meeting) error
	// MeetingResponses returns each attendee's answer by user ID;
	// ErrNotFound when the platform holds no event for the meeting, or one
	// behind its Sequence (a change that did not reach it).
	MeetingResponses(ctx context.Context, m Meeting) (map[string]RSVP, error)
}

// meetingCalendar is the calendar of tenant's platform, nil for none.
func (e *Engine) meetingCalendar(tenant string) MeetingCalendar {
	return e.meetings[tenantPlatform(tenant)]
}

// meetingUID is the stable UID of an interview's meeting.
func meetingUID(tenant string, interviewID int64) string {
	t := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, tenant)
	return fmt.Sprintf("pipbot-%s-interview-%d@pipbot", t, interviewID)
}

// bilingual is a text in Chinese, then English.
func bilingual(key string, args ...any) string {
	return T(LocaleZH, key, args...) + " / " + T(LocaleEN, key, args...)
}

// meeting is iv as a calendar event written in zone tz, made at stamp.
func (e *Engine) meeting(ctx context.Context, p *Plan, iv *Interview, tz *time.Location, stamp time.Time) Meeting {
	m := Meeting{Tenant: p.Tenant, InterviewID: iv.ID, UID: meetingUID(p.Tenant, iv.ID), Sequence: iv.CalendarSeq,
		Cancelled: iv.Status == InterviewCancelled, Start: iv.At, End: iv.At.Add(time.Duration(iv.Minutes) * time.Minute),
		Stamp: stamp, TZ: tz, Summary: bilingual("cal.summary", p.Number, iv.No),
		Organizer: MeetingPerson{ID: iv.BookedBy, Name: e.name(ctx, p.Tenant, iv.BookedBy)}}
	var zh, en []string
	for _, a := range iv.Agenda {
		zh = append(zh, enumText(LocaleZH, "agenda", a.Topic)+" "+itoa(a.Minutes)+"′")
		en = append(en, enumText(LocaleEN, "agenda", a.Topic)+" "+itoa(a.Minutes)+"′")
	}
	m.Description = joinLines(
		T(LocaleZH, "cal.description", strings.Join(zh, " · "), m.Organizer.Name, p.Number),
		T(LocaleEN, "cal.description", strings.Join(en, " · "), m.Organizer.Name, p.Number))
	for _, id := range iv.Attendees {
		m.Attendees = append(m.Attendees, MeetingPerson{ID: id, Name: e.name(ctx, p.Tenant, id)})
	}
	return m
}

// meetingTimeout bounds one calendar call made while a command is handled.
const meetingTimeout = 15 * time.Second

// syncMeeting tells the calendar of the tenant's platform about iv after
// its change was committed (create or update; delete once cancelled) and
// returns a line for the actor, "" when the platform has no calendar. A
// failure changes nothing that was committed: it is logged and the actor
// is told; a booked interview's event is made again when its status is
// shown (interviewStatus).
func (e *Engine) syncMeeting(ctx context.Context, r *request, p *Plan, iv *Interview) string {
	cal := e.meetingCalendar(p.Tenant)
	if cal == nil {
		return ""
	}
	_, tz := e.prefs(e.person(ctx, p.Tenant, iv.BookedBy))
	m := e.meeting(ctx, p, iv, tz, r.now)
	cctx, cancel := context.WithTimeout(ctx, meetingTimeout)
	defer cancel()
	var err error
	if m.Cancelled {
		err = cal.CancelMeeting(cctx, m)
	} else {
		err = cal.PutMeeting(cctx, m)
	}
	if err != nil {
		e.log.WarnContext(ctx, "calendar not updated", "tenant", p.Tenant, "plan_id", p.ID, "interview", iv.ID,
			"cancelled", m.Cancelled, "err", err)
		if m.Cancelled {
			return r.tr("cal.cancel_failed", p.Number, iv.No)
		}
		return r.tr("cal.put_failed", p.Number)
	}
	if m.Cancelled {
		return r.tr("cal.cancelled")
	}
	return r.tr("cal.put", p.Number)
}

// withInvites attaches iv's meeting, in each reader's zone, to the replies
// addressed to its attendees (the actor's own answer, To "", included when
// the actor attends), for a platform without a calendar. Replies to anyone
// else, and every reply on a platform with a calendar, are left alone.
func (e *Engine) withInvites(ctx context.Context, r *request, p *Plan, iv *Interview, replies []Reply) []Reply {
	if e.meetingCalendar(p.Tenant) != nil {
		return replies
	}
	attends := map[string]bool{}
	for _, id := range iv.Attendees {
		attends[id] = true
	}
	for i := range replies {
		reader := replies[i].To
		if reader == "" && replies[i].Chat == "" {
			reader = r.actor.ID
		}
		if !attends[reader] || replies[i].Chat != "" {
			continue
		}
		_, tz := e.prefs(e.person(ctx, p.Tenant, reader))
		m := e.meeting(ctx, p, iv, tz, r.now)
		replies[i].Invite = &m
	}
	return replies
}

// noticeInvite attaches to an interview's notice (the reminder before it)
// the interview's current invitation, on a platform without a calendar:
// whoever did not open the booking's file gets it again, at the same
// version, which a calendar that has it already takes as no change.
func (e *Engine) noticeInvite(ctx context.Context, rep Reply, rm Reminder, p *Plan, ivs []Interview) Reply {
	if rm.Kind != RemindInterview || e.meetingCalendar(p.Tenant) != nil {
		return rep
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(rm.Subject, "interview:"), 10, 64)
	if err != nil {
		return rep
	}
	for i := range ivs {
		iv := &ivs[i]
		if iv.ID != id || iv.Status != InterviewBooked || !slices.Contains(iv.Attendees, rm.Recipient) {
			continue
		}
		_, tz := e.prefs(e.person(ctx, p.Tenant, rm.Recipient))
		m := e.meeting(ctx, p, iv, tz, e.now())
		rep.Invite = &m
	}
	return rep
}

// cancelAgain answers "面谈 12 取消 1" for an interview already cancelled
// on a platform with a calendar: it asks the calendar again to delete the
// event (a first delete that failed) and says how that went. ok is false
// when this does not apply, and the usual refusal stands.
func (e *Engine) cancelAgain(ctx context.Context, r *request, ref, no string) ([]Reply, bool) {
	if no == "" || e.meetingCalendar(r.cmd.Tenant) == nil {
		return nil, false
	}
	p, _, err := e.planFor(ctx, r, ref, OpInterview)
	if err != nil {
		return nil, false
	}
	iv, err := e.findInterview(ctx, p, no)
	if err != nil || iv.Status != InterviewCancelled {
		return nil, false
	}
	return []Reply{r.text(r.tr("cal.cancel_again", iv.No, p.Number) + "\n" + e.syncMeeting(ctx, r, p, iv))}, true
}

// noteActor adds a context line under the first reply to the actor
// alone (not one to someone else, nor one a group may see).
func noteActor(replies []Reply, note string) []Reply {
	for i, rep := range replies {
		if rep.To == "" && rep.Chat == "" && !rep.GroupSafe {
			noteFirst(replies[i:], note)
			break
		}
	}
	return replies
}

// noteFirst adds a context line under the first reply's message.
func noteFirst(replies []Reply, note string) []Reply {
	if note == "" || len(replies) == 0 {
		return replies
	}
	m := &replies[0].Message
	blocks := append([]Block{}, m.Blocks...)
	at := len(blocks)
	if at > 0 {
		if _, ok := blocks[at-1].(Buttons); ok {
			at--
		}
	}
	m.Blocks = append(append(blocks[:at:at], Context(note)), blocks[at:]...)
	return replies
}

// interviewStatus shows interview no of plan ref ("面谈 12 状态 [1]",
// "interview 12 status [1]", the refresh button): the interview card with
// each attendee's answer from the platform's calendar. A calendar that
// does not answer leaves the answers unknown, never the card unshown; a
// booked interview whose event the calendar does not hold (its creation
// failed) gets it made now.
func (e *Engine) interviewStatus(ctx context.Context, r *request, ref, no string) ([]Reply, error) {
	p, _, iv, err := e.interviewFor(ctx, r, ref, no, OpView, false)
	if err != nil {
		return nil, err
	}
	m := e.interviewCard(ctx, r.actor.ID, p, iv, "cal.status")
	cal := e.meetingCalendar(p.Tenant)
	if cal == nil {
		return []Reply{r.reply(m)}, nil
	}
	answers, err := e.responses(ctx, cal, p, iv, r.now)
	var lines []string
	for _, id := range iv.Attendees {
		a := RSVP("")
		if err == nil {
			a = answers[id]
			if a == "" {
				a = RSVPNeedsAction
			}
		}
		lines = append(lines, e.name(ctx, p.Tenant, id)+" · "+rsvpText(r.loc, a))
	}
	status := Text{Body: "**" + r.tr("cal.responses") + "**\n" + strings.Join(lines, "\n")}
	if err != nil {
		e.log.WarnContext(ctx, "calendar answers unknown", "tenant", p.Tenant, "plan_id", p.ID, "interview", iv.ID, "err", err)
		status.Body += "\n" + r.tr("cal.responses_unknown")
	}
	refresh := Button{Label: r.tr("btn.refresh"), Action: ActionRef{ID: "interview.rsvp",
		Args: map[string]string{"plan": itoa(p.Number), "interview": itoa(iv.No)}}}
	n := len(m.Blocks)
	if b, ok := m.Blocks[n-1].(Buttons); ok {
		m.Blocks = append(append(append([]Block{}, m.Blocks[:n-1]...), status), append(Buttons{refresh}, b...))
	} else {
		m.Blocks = append(m.Blocks, status, Buttons{refresh})
	}
	return []Reply{r.reply(m)}, nil
}

// responses asks the calendar for the attendees' answers, making a booked
// interview's missing event first.
func (e *Engine) responses(ctx context.Context, cal MeetingCalendar, p *Plan, iv *Interview, now time.Time) (map[string]RSVP, error) {
	if iv.Status == InterviewCancelled {
		return nil, Errorf(ESTATE, "err.interview_not_booked", iv.No)
	}
	_, tz := e.prefs(e.person(ctx, p.Tenant, iv.BookedBy))
	m := e.meeting(ctx, p, iv, tz, now)
	cctx, cancel := context.WithTimeout(ctx, meetingTimeout)
	defer cancel()
	answers, err := cal.MeetingResponses(cctx, m)
	if errors.Is(err, ErrNotFound) && iv.Status == InterviewBooked {
		if err = cal.PutMeeting(cctx, m); err == nil {
			answers, err = cal.MeetingResponses(cctx, m)
		}
	}
	return answers, err
}

// rsvpText localises an answer; "" is unknown.
func rsvpText(l Locale, a RSVP) string {
	if a == "" {
		return T(l, "rsvp.unknown")
	}
	return enumText(l, "rsvp", string(a))
}

// actInterviewStatus is the refresh button of the status card.
func (e *Engine) actInterviewStatus(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	reps, err := e.interviewStatus(ctx, r, in.Args["plan"], in.Args["interview"])
	if err == nil && len(reps) == 1 && r.cmd.Action != nil && !r.cmd.Chat.Group {
		reps[0].Replace = true
	}
	return reps, err
}
