package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Reminder builds the message of a due reminder row for its recipient, in
// the recipient's language and time zone, or reports skip when it no longer
// applies: the plan ended, the week's update landed, the review is done,
// the interview moved, was cancelled or was already recorded, the recipient
// no longer has the role. The scheduler calls it at dispatch time, so a
// reminder planned days ahead is still right when it goes out. Anything about
// one plan is Private and goes to rm.Recipient; only the team summary goes to
// a group chat, and it carries counts alone.
func (e *Engine) Reminder(ctx context.Context, rm Reminder) (rep Reply, skip bool, err error) {
	switch rm.Kind {
	case RemindWeeklySummary:
		return e.summaryReminder(ctx, rm)
	case RemindHRDigest:
		return e.digestReminder(ctx, rm)
	}
	var f ReminderFacts
	f.Plan, err = e.store.PlanByID(ctx, rm.Tenant, rm.PlanID)
	if errors.Is(err, ErrNotFound) {
		return Reply{}, true, nil
	}
	if err != nil {
		return Reply{}, false, fmt.Errorf("compose %s reminder: load plan %d: %w", rm.Kind, rm.PlanID, err)
	}
	if f.LatestWeek, err = e.latestWeek(ctx, f.Plan); err != nil {
		return Reply{}, false, err
	}
	if f.Interviews, err = e.store.Interviews(ctx, rm.Tenant, rm.PlanID); err != nil {
		return Reply{}, false, fmt.Errorf("interviews of plan %d: %w", rm.PlanID, err)
	}
	return e.ReminderWith(ctx, rm, f)
}

// ReminderFacts are what a reminder's message is decided on: its plan, the
// ISO week of the plan's newest update ("" when none) and the plan's
// interviews. The scheduler loads them once per due reminder, checks with
// them that the reminder is still planned, and hands them to ReminderWith,
// so the plan is read once per send.
type ReminderFacts struct {
	Plan       *Plan
	LatestWeek string
	Interviews []Interview
	// LastTracked is when the plan's manager last wrote a tracking note
	// (zero: never).
	LastTracked time.Time
}

// ReminderWith is Reminder on facts already loaded (a team summary, which
// has no plan, ignores them): nil Plan means the plan is gone.
func (e *Engine) ReminderWith(ctx context.Context, rm Reminder, f ReminderFacts) (rep Reply, skip bool, err error) {
	switch rm.Kind {
	case RemindWeeklySummary:
		return e.summaryReminder(ctx, rm)
	case RemindHRDigest:
		return e.digestReminder(ctx, rm)
	}
	p := f.Plan
	if p == nil {
		return Reply{}, true, nil
	}
	interview := rm.Kind == RemindInterview || rm.Kind == RemindArchive
	if !p.Open() || !interview && !p.Tracking() { // interviews come before the plan runs, too
		return Reply{}, true, nil
	}
	rd := e.reader(ctx, rm.Tenant, rm.Platform, rm.Recipient)
	roles := e.rolesOf(ctx, p, rm.Recipient, rd.isHR)
	var m Message
	send := false
	switch rm.Kind {
	case RemindWeekly:
		m, send = e.weeklyReminder(rd, rm, p, f.LatestWeek)
	case RemindMissed, RemindMissedHR:
		m, send = e.missedReminder(ctx, rd, rm, p, roles, f.LatestWeek)
	case RemindMonthly:
		m, send, err = e.monthlyReminder(ctx, rd, rm, p, roles)
	case RemindEnding:
		send = DateOnly(p.End).Format(time.DateOnly) == rm.DueKey && (hasRole(roles, RoleEmployee) || hasRole(roles, RoleManager))
		m = e.planCard(ctx, p, rm.Recipient, rd.isHR)
		m.Blocks = append([]Block{Text{Body: rd.tr("remind.ending", p.Number, formatDate(rd.loc, p.End))}}, m.Blocks...)
	case RemindInterview, RemindArchive:
		m, send, err = e.interviewReminder(ctx, rd, rm, p, f.Interviews)
	case RemindTracking:
		m, send = e.trackingReminder(ctx, rd, p, roles, f.LastTracked)
	case RemindAction:
		m, send = e.actionReminder(rd, rm, p)
	default:
		return Reply{}, false, fmt.Errorf("compose reminder %d: unknown kind %q", rm.ID, rm.Kind)
	}
	if err != nil || !send {
		return Reply{}, err == nil, err
	}
	return e.noticeInvite(ctx, Reply{To: rm.Recipient, Private: true, Key: rm.Key(), Message: m}, rm, p, f.Interviews), false, nil
}

// reader is a request standing for the recipient of a reminder, so the
// engine's forms and cards come out in their language, zone and roles.
func (e *Engine) reader(ctx context.Context, tenant, platform, id string) *request {
	if platform == "" {
		platform = tenantPlatform(tenant)
	}
	p := e.person(ctx, tenant, id)
	l, tz := e.prefs(p)
	return &request{cmd: Command{Platform: platform, Tenant: tenant, Actor: p}, actor: p,
		isHR: e.hrOf(p), loc: l, tz: tz, now: e.now()}
}

// latestWeek is the ISO week of the plan's newest update, "" when none.
// Week keys compare as strings ("2026-W09" < "2026-W10").
func (e *Engine) latestWeek(ctx context.Context, p *Plan) (string, error) {
	latest, err := e.store.LatestUpdates(ctx, p.Tenant, []int64{p.ID})
	if err != nil {
		return "", fmt.Errorf("latest update of plan %d: %w", p.ID, err)
	}
	return latest[p.ID].Week, nil
}

func (e *Engine) weeklyReminder(rd *request, rm Reminder, p *Plan, week string) (Message, bool) {
	if week >= rm.DueKey || rm.Recipient != p.EmployeeID {
		return Message{}, false
	}
	m := Message{Title: rd.tr("remind.weekly_title", p.Number, rm.DueKey), Color: ColorOrange,
		Blocks: []Block{Text{Body: rd.tr("remind.weekly", clockIn(rm.ExpiresAt, rd.tz))}}}
	for _, g := range p.Goals {
		m.Blocks = append(m.Blocks, goalProgress(rd.loc, p, g, rd.now))
	}
	m.Blocks = append(m.Blocks, Buttons{{Label: rd.tr("btn.update"), Style: StylePrimary,
		Action: ActionRef{ID: "plan.update", Args: map[string]string{"plan": itoa(p.Number)}}}})
	return m, true
}

// missedReminder tells the manager (or, after a second missed week in a
// row, HR) who has not posted; it stands only while no update has landed.
func (e *Engine) missedReminder(ctx context.Context, rd *request, rm Reminder, p *Plan, roles []Role, week string) (Message, bool) {
	who := e.name(ctx, p.Tenant, p.EmployeeID)
	m := Message{Title: rd.tr("remind.missed_title", p.Number, rm.DueKey), Color: ColorRed}
	if rm.Kind == RemindMissed {
		if week >= rm.DueKey || rm.Recipient != p.ManagerID {
			return Message{}, false
		}
		m.Blocks = append(m.Blocks, Text{Body: rd.tr("remind.missed", who, p.Number, rm.DueKey)})
	} else {
		prev, ok := PrevWeekKey(rm.DueKey)
		if !ok || week >= prev || !hasRole(roles, RoleHR) {
			return Message{}, false
		}
		m.Blocks = append(m.Blocks, Text{Body: rd.tr("remind.missed_hr", who, prev, rm.DueKey, p.Number, e.name(ctx, p.Tenant, p.ManagerID))})
	}
	m.Blocks = append(m.Blocks, Buttons{{Label: rd.tr("btn.show"), Action: ActionRef{ID: "plan.show", Args: map[string]string{"plan": itoa(p.Number)}}}})
	return m, true
}

// monthlyReminder is the review form itself, unless the month's review is in.
func (e *Engine) monthlyReminder(ctx context.Context, rd *request, rm Reminder, p *Plan, roles []Role) (Message, bool, error) {
	if !hasRole(roles, RoleManager) && !hasRole(roles, RoleHR) {
		return Message{}, false, nil
	}
	reviews, err := e.store.Reviews(ctx, p.Tenant, p.ID)
	if err != nil {
		return Message{}, false, fmt.Errorf("reviews of plan %d: %w", p.ID, err)
	}
	for _, r := range reviews {
		if r.Month == rm.DueKey {
			return Message{}, false, nil
		}
	}
	m := Message{Title: rd.tr("remind.monthly_title", p.Number, rm.DueKey), Color: ColorBlue, Blocks: []Block{
		Text{Body: rd.tr("remind.monthly", rm.DueKey, formatTime(rd.loc, rm.ExpiresAt, rd.tz))},
		e.reviewForm(rd, p),
	}}
	return m, true, nil
}

// interviewReminder is the notice before an interview (the interview card:
// agenda and the plan's figures) or the archive reminder after it.
func (e *Engine) interviewReminder(ctx context.Context, rd *request, rm Reminder, p *Plan, ivs []Interview) (Message, bool, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(rm.Subject, "interview:"), 10, 64)
	if err != nil {
		return Message{}, false, fmt.Errorf("compose reminder %d: subject %q is not an interview", rm.ID, rm.Subject)
	}
	for i := range ivs {
		iv := &ivs[i]
		if iv.ID != id || iv.Status != InterviewBooked {
			continue
		}
		if rm.Kind == RemindArchive {
			if rm.Recipient != p.ManagerID {
				return Message{}, false, nil
			}
			body := rd.tr("remind.archive", iv.No, p.Number, formatTime(rd.loc, iv.At, rd.tz), p.Number)
			return Message{Title: rd.tr("iv.title", p.Number, iv.No), Color: ColorOrange, Blocks: []Block{Text{Body: body}}}, true, nil
		}
		invited := rm.Recipient == p.EmployeeID || rm.Recipient == p.ManagerID
		for _, a := range iv.Attendees {
			invited = invited || a == rm.Recipient
		}
		key := "remind.iv_notice"
		if rm.ShortNotice {
			key = "remind.iv_short"
		}
		return e.interviewCard(ctx, rm.Recipient, p, iv, key), invited && iv.At.After(rd.now), nil
	}
	return Message{}, false, nil
}

// summaryReminder counts, for a bound team chat, the manager's team-visible
// running plans whose week's update is in and those still missing. It
// names no one and shows nothing of any plan: the chat is a group.
func (e *Engine) summaryReminder(ctx context.Context, rm Reminder) (Reply, bool, error) {
	chats, err := e.store.TeamChats(ctx, rm.Tenant, "")
	if err != nil {
		return Reply{}, false, fmt.Errorf("compose team summary: %w", err)
	}
	manager := ""
	for _, c := range chats {
		if c.ChatID == rm.Recipient {
			manager = c.ManagerID
		}
	}
	if manager == "" {
		return Reply{}, true, nil
	}
	plans, err := e.store.ListPlans(ctx, rm.Tenant, PlanQuery{ManagerID: manager, Statuses: []Status{StatusActive, StatusApproved}})
	if err != nil {
		return Reply{}, false, fmt.Errorf("compose team summary: %w", err)
	}
	var ids []int64
	for _, p := range plans {
		if p.TeamVisible && p.Tracking() {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return Reply{}, true, nil
	}
	latest, err := e.store.LatestUpdates(ctx, rm.Tenant, ids)
	if err != nil {
		return Reply{}, false, fmt.Errorf("compose team summary: %w", err)
	}
	done := 0
	for _, id := range ids {
		if latest[id].Week >= rm.DueKey {
			done++
		}
	}
	l := e.locale
	m := Message{Title: T(l, "remind.summary_title", rm.DueKey), Color: ColorBlue, Blocks: []Block{
		Text{Body: T(l, "remind.summary", done, len(ids)-done)},
	}}
	if done < len(ids) {
		m.Blocks = append(m.Blocks, Context(T(l, "remind.summary_hint")),
			Buttons{{Label: T(l, "btn.update"), Style: StylePrimary, Action: ActionRef{ID: "plan.update", Args: map[string]string{}}}})
	}
	return Reply{Chat: rm.Recipient, GroupSafe: true, Key: rm.Key(), Message: m}, false, nil
}

// clockIn shows the time of day of t in tz, "23:59".
func clockIn(t time.Time, tz *time.Location) string { return t.In(tz).Format("15:04") }

// PrevWeekKey is the ISO week before key ("2026-W01" → "2025-W53").
func PrevWeekKey(key string) (string, bool) {
	y, w, ok := strings.Cut(key, "-W")
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil || week < 1 || week > 53 {
		return "", false
	}
	jan4 := time.Date(year, time.January, 4, 12, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(week-1)*7)
	return WeekKey(monday.AddDate(0, 0, -7), time.UTC), true
}

// TrackingDays is how long a running plan may go without a tracking note
// from its manager before they are reminded (the seed's biweekly
// 《绩效改进跟踪日志》), and again every as many days after.
const TrackingDays = 14

// trackingReminder asks the plan's manager for a tracking note, with the
// form, when they have written none for TrackingDays.
func (e *Engine) trackingReminder(ctx context.Context, rd *request, p *Plan, roles []Role, last time.Time) (Message, bool) {
	if !hasRole(roles, RoleManager) {
		return Message{}, false
	}
	since, when := p.StartedAt, rd.tr("remind.tracking_never")
	if !last.IsZero() {
		since, when = last, formatDate(rd.loc, last.In(rd.tz))
	}
	day := func(t time.Time) time.Time { // t's calendar day in the reader's zone
		y, m, d := t.In(rd.tz).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	days := int(day(rd.now).Sub(day(since)).Hours() / 24)
	return Message{Title: rd.tr("remind.tracking_title", p.Number), Color: ColorOrange, Blocks: []Block{
		Text{Body: rd.tr("remind.tracking", p.Number, days, when, p.Number)},
		e.trackForm(ctx, rd, p),
	}}, true
}
