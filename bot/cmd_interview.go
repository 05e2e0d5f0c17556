package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// cmdInterview books and manages interviews (面谈):
//
//	interview 12 book 2026-12-03 15:00 [50] [hr]   面谈 12 预约 12月3日 15:00 [50] [HR]
//	interview 12 move [1] 2026-12-04 10:00         面谈 12 改期 [1] 12月4日 10:00
//	interview 12 cancel [1]                        面谈 12 取消 [1]
//	interview 12 status [1]                        面谈 12 状态 [1]  (calendar replies)
//	interview 12 notes [1] opening: … review: …    面谈 12 记录 [1] 开场: … 回顾: … 共识: … 总结: … 优势: … 差距: …
//	interview 12 confirm [1]                       面谈 12 确认 [1]
//	interview 12 rate [1] 4 helpful                面谈 12 评价 [1] 4 很有帮助
//	interview 12 self …   / interview 12 wishes …  面谈 12 自评 … ／ 面谈 12 诉求 …  (the employee, before)
//	interview 12                                   面谈 12  (list)
//
// Booking closer than the tenant's notice (3 working days) needs a reason:
// "面谈 12 预约 明天 15:00 理由 客户下周出差".
func (e *Engine) cmdInterview(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return e.show(ctx, r, ref)
	}
	sub, rest := strings.ToLower(rest[0]), rest[1:]
	switch {
	case isWord(sub, "book", "预约", "安排"):
		return e.bookInterview(ctx, r, ref, rest)
	case isWord(sub, "move", "reschedule", "改期", "调整"):
		return e.moveInterview(ctx, r, ref, rest)
	case isWord(sub, "cancel", "取消"):
		return e.cancelInterview(ctx, r, ref, rest)
	case isWord(sub, "status", "rsvp", "状态", "回复"):
		no := ""
		if len(rest) > 0 {
			no = rest[0]
		}
		return e.interviewStatus(ctx, r, ref, no)
	case isWord(sub, "notes", "note", "记录", "纪要"):
		return e.interviewNotes(ctx, r, ref, rest)
	case isWord(sub, "confirm", "确认"):
		no := ""
		if len(rest) > 0 {
			no = rest[0]
		}
		return e.confirmInterview(ctx, r, ref, no)
	case isWord(sub, "rate", "评价", "评分", "效果"):
		return e.rateInterview(ctx, r, ref, rest)
	case isWord(sub, "self", "self-analysis", "自评", "自我分析"):
		return e.prepareInterview(ctx, r, ref, "self", strings.Join(rest, " "))
	case isWord(sub, "wishes", "requests", "诉求"):
		return e.prepareInterview(ctx, r, ref, "wishes", strings.Join(rest, " "))
	}
	return nil, Errorf(EINVALID, "err.interview_format")
}

// reasonWords introduce a booking's short-notice reason.
var reasonWords = []string{"reason", "because", "理由", "原因"}

// splitReason separates "… 理由 客户出差" into the words before and the reason.
func splitReason(words []string) ([]string, string) {
	for i, w := range words {
		if isWord(strings.TrimRight(w, ":："), reasonWords...) {
			return words[:i], strings.Join(words[i+1:], " ")
		}
	}
	return words, ""
}

// parseSlot reads "<date> [time] [minutes] [hr]".
func (r *request) parseSlot(words []string) (at time.Time, minutes int, hr bool, err error) {
	minutes = 50
	var when []string
	for _, w := range words {
		switch {
		case isWord(w, "hr", "人力", "人事"):
			hr = true
		case strings.HasSuffix(strings.ToLower(w), "min") || strings.HasSuffix(w, "分钟"):
			n, perr := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(w), "min"), "分钟"))
			if perr != nil {
				return at, 0, false, Errorf(EINVALID, "err.bad_number", w)
			}
			minutes = n
		default:
			if n, perr := strconv.Atoi(w); perr == nil && len(when) >= 1 && n >= 5 && n <= 600 {
				minutes = n
				continue
			}
			when = append(when, w)
		}
	}
	if len(when) == 0 {
		return at, 0, false, Errorf(EINVALID, "err.date_missing")
	}
	at, ok := ParseDateTime(strings.Join(when, " "), r.now, r.tz)
	if !ok {
		return at, 0, false, Errorf(EINVALID, "err.bad_datetime", strings.Join(when, " "))
	}
	if !at.After(r.now) {
		return at, 0, false, Errorf(EINVALID, "err.date_past", strings.Join(when, " "))
	}
	if minutes < 30 || minutes > 60 {
		return at, 0, false, Errorf(EINVALID, "err.interview_minutes", minutes)
	}
	return at, minutes, hr, nil
}

func (e *Engine) bookInterview(ctx context.Context, r *request, ref string, words []string) ([]Reply, error) {
	words, reason := splitReason(words)
	at, minutes, withHR, err := r.parseSlot(words)
	if err != nil {
		return nil, err
	}
	p, role, err := e.planFor(ctx, r, ref, OpInterview)
	if err != nil {
		return nil, err
	}
	if !p.Open() || p.Status == StatusDraft {
		return nil, Errorf(ESTATE, "err.interview_state", p.Number, enumText(r.loc, "status", string(p.Status)))
	}
	short, err := e.shortNotice(ctx, r, at, reason)
	if err != nil {
		return nil, err
	}
	iv := &Interview{Tenant: p.Tenant, PlanID: p.ID, At: at, Minutes: minutes, Agenda: DefaultAgenda(),
		Attendees: []string{p.EmployeeID, p.ManagerID}, Status: InterviewBooked, BookedBy: r.actor.ID, BookedAt: r.now,
		ShortNotice: short, NoticeReason: reason}
	if !short {
		iv.NoticeReason = ""
	}
	if minutes != 50 {
		iv.Agenda = scaleAgenda(minutes)
	}
	if withHR {
		iv.Attendees = append(iv.Attendees, e.hrPeople(ctx, p.Tenant)...)
	}
	err = e.save(ctx, r, p, nil, func(tx Store) error {
		if err := tx.SaveInterview(ctx, iv); err != nil {
			return err
		}
		detail := "#" + itoa(iv.No)
		if short {
			detail += " short notice: " + reason
		}
		return tx.AppendAudit(ctx, r.audit(p, role, "interview.book", "", at.UTC().Format(time.RFC3339), detail))
	})
	if err != nil {
		return nil, err
	}
	replies := []Reply{r.reply(e.interviewCard(ctx, r.actor.ID, p, iv, "iv.booked_self"))}
	for _, to := range r.others(iv.Attendees...) {
		rep := Reply{To: to, Private: true, Key: notifyKey(p, "interview:"+itoa(iv.No)+":booked", to),
			Message: e.interviewCard(ctx, to, p, iv, "iv.booked")}
		replies = append(replies, rep)
	}
	return e.inCalendars(ctx, r, p, iv, replies), nil
}

// inCalendars puts the committed change of iv into the attendees'
// calendars: through the platform's calendar, noted on the actor's
// answer, or as invitations on the replies (interview_calendar.go). In a
// held command the platform's calendar is called once the change is
// committed, not while its transaction waits on the network.
func (e *Engine) inCalendars(ctx context.Context, r *request, p *Plan, iv *Interview, replies []Reply) []Reply {
	replies = e.withInvites(ctx, r, p, iv, replies)
	if h := heldOf(ctx); h != nil && h.open && e.meetingCalendar(p.Tenant) != nil {
		at := *iv
		e.afterCommit(ctx, func(ctx context.Context, replies []Reply) []Reply {
			return noteActor(replies, e.syncMeeting(ctx, r, p, &at))
		})
		return replies
	}
	return noteFirst(replies, e.syncMeeting(ctx, r, p, iv))
}

// shortNotice reports whether an interview at `at` is booked on or after the
// tenant's notice day (NoticeDays working days before it, the morning the
// interview notice goes out), and then requires a stated reason.
func (e *Engine) shortNotice(ctx context.Context, r *request, at time.Time, reason string) (bool, error) {
	days := e.policy(r.cmd.Tenant).NoticeDays
	noticeDay := e.calendar.AddWorkingDays(ctx, r.cmd.Tenant, DateOnly(at.In(r.tz)), -days)
	if DateOnly(r.now.In(r.tz)).Before(noticeDay) {
		return false, nil
	}
	if strings.TrimSpace(reason) == "" {
		return true, &Error{Code: EINVALID, Key: "err.short_notice", Args: []any{days, formatDate(r.loc, noticeDay)},
			Fields: []FieldError{{Name: "reason", Key: "err.short_notice", Args: []any{days, formatDate(r.loc, noticeDay)}}}}
	}
	return true, checkLength("reason", reason, maxReason)
}

// scaleAgenda spreads other durations in the 5:15:20:10 proportion.
func scaleAgenda(minutes int) []AgendaItem {
	a := DefaultAgenda()
	total := 0
	for i := range a {
		a[i].Minutes = a[i].Minutes * minutes / 50
		total += a[i].Minutes
	}
	a[2].Minutes += minutes - total
	return a
}

// findInterview picks interview no (or the only booked one) of plan p.
func (e *Engine) findInterview(ctx context.Context, p *Plan, no string) (*Interview, error) {
	ivs, err := e.store.Interviews(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, err
	}
	if no == "" {
		var booked []Interview
		for _, iv := range ivs {
			if iv.Status == InterviewBooked {
				booked = append(booked, iv)
			}
		}
		if len(booked) == 1 {
			return &booked[0], nil
		}
		if len(booked) == 0 {
			return nil, Errorf(EINVALID, "err.no_interview", p.Number)
		}
		return nil, Errorf(EINVALID, "err.which_interview", len(booked))
	}
	k, err := strconv.Atoi(strings.TrimPrefix(no, "#"))
	for i := range ivs {
		if err == nil && ivs[i].No == k {
			return &ivs[i], nil
		}
	}
	return nil, Errorf(EINVALID, "err.no_item", no)
}

// interviewNo splits an optional leading interview number from words.
func interviewNo(words []string) (string, []string) {
	if len(words) > 1 {
		if n, err := strconv.Atoi(strings.TrimPrefix(words[0], "#")); err == nil && n > 0 && n < 100 {
			return words[0], words[1:]
		}
	}
	return "", words
}

func (e *Engine) moveInterview(ctx context.Context, r *request, ref string, words []string) ([]Reply, error) {
	no, words := interviewNo(words)
	words, reason := splitReason(words)
	at, minutes, _, err := r.parseSlot(words)
	if err != nil {
		return nil, err
	}
	p, role, iv, err := e.interviewFor(ctx, r, ref, no, OpInterview, true)
	if err != nil {
		return nil, err
	}
	short, err := e.shortNotice(ctx, r, at, reason)
	if err != nil {
		return nil, err
	}
	old := iv.At
	iv.At, iv.Minutes, iv.ShortNotice, iv.NoticeReason = at, minutes, short, ""
	iv.CalendarSeq++
	if short {
		iv.NoticeReason = reason
	}
	if err := e.saveInterview(ctx, r, p, iv, role, "interview.move", old.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339)); err != nil {
		return nil, err
	}
	replies := []Reply{r.reply(e.interviewCard(ctx, r.actor.ID, p, iv, "iv.moved_self"))}
	for _, to := range r.others(iv.Attendees...) {
		replies = append(replies, Reply{To: to, Private: true, Key: notifyKey(p, "interview:"+itoa(iv.No)+":moved:"+itoa(int(at.Unix())), to),
			Message: e.interviewCard(ctx, to, p, iv, "iv.moved")})
	}
	return e.inCalendars(ctx, r, p, iv, replies), nil
}

// interviewFor loads plan ref and its interview no for an actor allowed op.
// With bookedOnly the interview must still be booked; otherwise a held one
// (with notes) counts too, but never a cancelled one.
func (e *Engine) interviewFor(ctx context.Context, r *request, ref, no string, op Op, bookedOnly bool) (*Plan, Role, *Interview, error) {
	p, role, err := e.planFor(ctx, r, ref, op)
	if err != nil {
		return nil, "", nil, err
	}
	find := e.findInterviewAny
	if bookedOnly {
		find = e.findInterview
	}
	iv, err := find(ctx, p, no)
	if err != nil {
		return nil, "", nil, err
	}
	if iv.Status == InterviewCancelled || bookedOnly && iv.Status != InterviewBooked {
		return nil, "", nil, Errorf(ESTATE, "err.interview_not_booked", iv.No)
	}
	return p, role, iv, nil
}

func (e *Engine) saveInterview(ctx context.Context, r *request, p *Plan, iv *Interview, role Role, what, from, to string) error {
	err := e.commit(ctx, r, func(tx Store) error {
		if err := tx.SaveInterview(ctx, iv); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, r.audit(p, role, what, from, to, "#"+itoa(iv.No)))
	})
	if err == nil {
		e.planChanged(ctx, p.Tenant, p.ID)
	}
	return err
}

func (e *Engine) cancelInterview(ctx context.Context, r *request, ref string, words []string) ([]Reply, error) {
	no := ""
	if len(words) > 0 {
		no = words[0]
	}
	p, role, iv, err := e.interviewFor(ctx, r, ref, no, OpInterview, true)
	if err != nil {
		if again, ok := e.cancelAgain(ctx, r, ref, no); ok {
			return again, nil
		}
		return nil, err
	}
	iv.Status, iv.CancelledAt = InterviewCancelled, r.now
	iv.CalendarSeq++
	if err := e.saveInterview(ctx, r, p, iv, role, "interview.cancel", string(InterviewBooked), string(InterviewCancelled)); err != nil {
		return nil, err
	}
	replies := []Reply{r.text(r.tr("iv.cancelled_self", iv.No, p.Number))}
	for _, to := range r.others(iv.Attendees...) {
		replies = append(replies, e.notify(ctx, p, to, "interview:"+itoa(iv.No)+":cancelled", "iv.cancelled", e.name(ctx, p.Tenant, r.actor.ID), formatTimeFor(e, ctx, p.Tenant, to, iv.At)))
	}
	return e.inCalendars(ctx, r, p, iv, replies), nil
}

// formatTimeFor shows t in the language and zone of user id.
func formatTimeFor(e *Engine, ctx context.Context, tenant, id string, t time.Time) string {
	l, tz := e.prefs(e.person(ctx, tenant, id))
	return formatTime(l, t, tz)
}

// findInterviewAny is findInterview that also accepts the latest done interview.
func (e *Engine) findInterviewAny(ctx context.Context, p *Plan, no string) (*Interview, error) {
	iv, err := e.findInterview(ctx, p, no)
	if err == nil || no != "" {
		return iv, err
	}
	ivs, lerr := e.store.Interviews(ctx, p.Tenant, p.ID)
	if lerr != nil {
		return nil, lerr
	}
	for i := len(ivs) - 1; i >= 0; i-- {
		if ivs[i].Status != InterviewCancelled {
			return &ivs[i], nil
		}
	}
	return nil, err
}

func (e *Engine) localeOf(ctx context.Context, tenant, id string) Locale {
	l, _ := e.prefs(e.person(ctx, tenant, id))
	return l
}

// actInterviewBook opens the booking form (button) or takes it.
func (e *Engine) actInterviewBook(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, err := e.planFor(ctx, r, in.Args["plan"], OpInterview)
		if err != nil {
			return nil, err
		}
		f := Form{Title: r.tr("iv.form_title", p.Number), Action: ActionRef{ID: "interview.book", Args: in.Args}, Submit: r.tr("btn.book"),
			Inputs: []Input{
				{Name: "at", Label: r.tr("field.when"), Kind: InputDateTime, Required: true},
				{Name: "minutes", Label: r.tr("field.duration"), Kind: InputNumber, Value: "50"},
				{Name: "hr", Label: r.tr("iv.invite_hr"), Kind: InputSelect, Value: "no",
					Options: []Option{{"no", r.tr("word.no")}, {"yes", r.tr("word.yes")}}},
				{Name: "reason", Label: r.tr("iv.notice_reason"), Kind: InputText, Placeholder: r.tr("iv.notice_reason_ph", e.policy(p.Tenant).NoticeDays)},
			}}
		return []Reply{r.reply(Message{Blocks: []Block{f}})}, nil
	}
	words := fields(in.Values["at"])
	if m := strings.TrimSpace(in.Values["minutes"]); m != "" {
		words = append(words, m+"min")
	}
	if in.Values["hr"] == "yes" {
		words = append(words, "hr")
	}
	if reason := strings.TrimSpace(in.Values["reason"]); reason != "" {
		words = append(append(words, "reason"), fields(reason)...)
	}
	reps, err := e.bookInterview(ctx, r, in.Args["plan"], words)
	if be, ok := err.(*Error); ok && be.Code == EINVALID && len(be.Fields) == 0 {
		be.Fields = []FieldError{{Name: "at", Key: be.Key, Args: be.Args}}
	}
	return reps, err
}
