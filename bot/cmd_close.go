package bot

import (
	"context"
	"strings"
	"time"
)

// parseOutcome reads an outcome in either language.
func parseOutcome(w string) (Outcome, bool) {
	switch strings.ToLower(w) {
	case "achieved", "achieve", "pass", "达成", "达标", "通过":
		return OutcomeAchieved, true
	case "extended", "extend", "延期", "延长":
		return OutcomeExtended, true
	case "role", "role_adjusted", "roleadjusted", "调岗", "岗位调整":
		return OutcomeRoleAdjusted, true
	case "not", "not_achieved", "failed", "fail", "未达成", "未达标":
		return OutcomeNotAchieved, true
	case "cancel", "cancelled", "取消":
		return OutcomeCancelled, true
	}
	return "", false
}

// cmdClose proposes the cycle's outcome with the lessons learned, or lets
// HR decide a proposal:
//
//	close 12 achieved 每周复盘很有效        结案 12 达成 每周复盘很有效
//	close 12 extended 2027-03-31 原因      结案 12 延期 2027-03-31 原因
//	close 12 confirm [reason]             结案 12 确认 [理由]      (HR)
//	close 12 reject REASON                结案 12 驳回 理由        (HR)
func (e *Engine) cmdClose(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.close_format")
	}
	switch {
	case isWord(rest[0], "confirm", "确认", "同意"):
		return e.confirmOutcome(ctx, r, ref, strings.Join(rest[1:], " "))
	case isWord(rest[0], "reject", "驳回", "拒绝"):
		return e.rejectOutcome(ctx, r, ref, strings.Join(rest[1:], " "))
	}
	o, ok := parseOutcome(rest[0])
	if !ok {
		return nil, Errorf(EINVALID, "err.bad_outcome", rest[0])
	}
	rest = rest[1:]
	if o == OutcomeExtended {
		if len(rest) == 0 {
			return nil, Errorf(EINVALID, "err.extend_date")
		}
		return e.propose(ctx, r, ref, o, rest[0], strings.Join(rest[1:], " "))
	}
	return e.propose(ctx, r, ref, o, "", strings.Join(rest, " "))
}

// cmdExtend proposes a new cycle with a new end date: "extend 12 2027-03-31 原因".
func (e *Engine) cmdExtend(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.extend_date")
	}
	return e.propose(ctx, r, ref, OutcomeExtended, rest[0], strings.Join(rest[1:], " "))
}

// cmdCancel proposes withdrawing an open plan with a reason: "cancel 12 岗位调整".
func (e *Engine) cmdCancel(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	return e.propose(ctx, r, ref, OutcomeCancelled, "", strings.Join(rest, " "))
}

// actClose opens the evaluation form (button) or takes it.
func (e *Engine) actClose(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, err := e.planFor(ctx, r, in.Args["plan"], OpClose)
		if err != nil {
			return nil, err
		}
		var opts []Option
		for _, o := range []Outcome{OutcomeAchieved, OutcomeExtended, OutcomeRoleAdjusted, OutcomeNotAchieved, OutcomeCancelled} {
			opts = append(opts, Option{string(o), enumText(r.loc, "outcome", string(o))})
		}
		f := Form{Title: r.tr("close.form_title", p.Number), Action: ActionRef{ID: "plan.close", Args: in.Args}, Submit: r.tr("btn.close"),
			Inputs: []Input{
				{Name: "outcome", Label: r.tr("field.outcome"), Kind: InputSelect, Required: true, Options: opts},
				{Name: "end", Label: r.tr("close.new_end"), Kind: InputDate},
				{Name: "lessons", Label: r.tr("field.lessons"), Kind: InputTextArea, Required: true},
			}}
		return []Reply{r.reply(Message{Blocks: []Block{f}})}, nil
	}
	o, ok := parseOutcome(in.Values["outcome"])
	if !ok {
		return nil, &Error{Code: EINVALID, Key: "err.bad_outcome", Args: []any{in.Values["outcome"]},
			Fields: []FieldError{{Name: "outcome", Key: "err.bad_outcome", Args: []any{in.Values["outcome"]}}}}
	}
	if o == OutcomeExtended && in.Values["end"] == "" {
		return nil, &Error{Code: EINVALID, Key: "err.extend_date", Fields: []FieldError{{Name: "end", Key: "err.extend_date"}}}
	}
	end := ""
	if o == OutcomeExtended {
		end = in.Values["end"]
	}
	return e.propose(ctx, r, in.Args["plan"], o, end, in.Values["lessons"])
}

// outcomeEvent is the lifecycle event an outcome leads to.
func outcomeEvent(o Outcome) (Event, Op) {
	switch o {
	case OutcomeExtended:
		return EvExtend, OpExtend
	case OutcomeCancelled:
		return EvCancel, OpCancel
	}
	return EvClose, OpClose
}

// propose records an outcome for HR to confirm. "Achieved" is checked
// against the goals: with a goal short of its target, HR must give a
// written reason to confirm it. Nothing final happens here.
func (e *Engine) propose(ctx context.Context, r *request, ref string, o Outcome, date, lessons string) ([]Reply, error) {
	ev, op := outcomeEvent(o)
	p, role, err := e.planFor(ctx, r, ref, op)
	if err != nil {
		return nil, err
	}
	if _, _, err := Next(p.Status, ev); err != nil {
		return nil, Errorf(ESTATE, "err.bad_state", p.Number, enumText(r.loc, "status", string(p.Status)), r.tr("op."+string(op)))
	}
	if p.Pending != nil {
		return nil, Errorf(ESTATE, "err.outcome_pending", p.Number, enumText(r.loc, "outcome", string(p.Pending.Outcome)), e.name(ctx, p.Tenant, p.Pending.ProposedBy))
	}
	pr := &OutcomeProposal{Outcome: o, Lessons: lessons, ProposedBy: r.actor.ID, ProposedAt: r.now}
	if o == OutcomeExtended {
		if d, ok := parseDeadline(date, r.now, r.tz); ok && !DateOnly(d).After(p.End) {
			return nil, Errorf(EINVALID, "err.extend_after", formatDate(r.loc, p.End))
		}
		end, err := r.endDate(p, date)
		if err != nil {
			return nil, err
		}
		pr.NewEnd = end
	}
	lessons = strings.TrimSpace(lessons)
	switch {
	case lessons == "" && o == OutcomeCancelled:
		return nil, &Error{Code: EINVALID, Key: "err.reason_required", Fields: []FieldError{{Name: "lessons", Key: "err.required"}}}
	case lessons == "":
		return nil, &Error{Code: EINVALID, Key: "err.lessons_required", Fields: []FieldError{{Name: "lessons", Key: "err.required"}}}
	}
	if err := checkLength("lessons", lessons, maxText); err != nil {
		return nil, err
	}
	pr.Lessons = lessons
	pr.BelowTarget = o == OutcomeAchieved && !p.AllAchieved()
	p.Pending = pr
	entry := r.audit(p, role, "outcome.propose", "", string(o), lessons)
	if err := e.save(ctx, r, p, []*AuditEntry{entry}, nil); err != nil {
		return nil, err
	}
	key := "done.proposed"
	if pr.BelowTarget {
		key = "done.proposed_below"
	}
	replies := e.decided(ctx, r, p, key, p.Number, enumText(r.loc, "outcome", string(o)))
	for _, to := range r.others(e.hrPeople(ctx, p.Tenant)...) {
		replies = append(replies, e.outcomeRequest(ctx, p, to))
	}
	if p.ManagerID != r.actor.ID && p.ManagerID != "" {
		replies = append(replies, e.notify(ctx, p, p.ManagerID, "outcome:"+string(o), "notify.proposed", e.name(ctx, p.Tenant, r.actor.ID), enumText(e.localeOf(ctx, p.Tenant, p.ManagerID), "outcome", string(o))))
	}
	return replies, nil
}

// outcomeRequest asks one HR user to confirm or reject a proposed outcome,
// with each goal's figures against its target.
func (e *Engine) outcomeRequest(ctx context.Context, p *Plan, to string) Reply {
	l, _ := e.prefs(e.person(ctx, p.Tenant, to))
	pr := p.Pending
	f := Fields{
		{T(l, "field.employee"), e.name(ctx, p.Tenant, p.EmployeeID)},
		{T(l, "field.outcome"), enumText(l, "outcome", string(pr.Outcome))},
		{T(l, "outcome.proposer"), e.name(ctx, p.Tenant, pr.ProposedBy)},
		{T(l, "field.lessons"), pr.Lessons},
	}
	if !pr.NewEnd.IsZero() {
		f = append(f, Field{T(l, "close.new_end"), formatDate(l, pr.NewEnd)})
	}
	m := Message{Title: T(l, "outcome.title", p.Number), Color: ColorOrange, Blocks: []Block{f}}
	for _, g := range p.Goals {
		m.Blocks = append(m.Blocks, goalProgress(l, p, g, e.now()))
	}
	if pr.BelowTarget {
		m.Blocks = append(m.Blocks, Text{Body: T(l, "outcome.below_note")})
	}
	args := map[string]string{"plan": itoa(p.Number)}
	m.Blocks = append(m.Blocks, Buttons{
		{Label: T(l, "btn.confirm"), Style: StylePrimary, Action: ActionRef{ID: "outcome.confirm", Args: args}},
		{Label: T(l, "btn.reject"), Style: StyleDanger, Action: ActionRef{ID: "outcome.reject", Args: args}},
	})
	return Reply{To: to, Private: true, Key: notifyKey(p, "outcome:"+string(pr.Outcome)+":"+itoa(int(pr.ProposedAt.Unix())), to), Message: m}
}

// dateKey is a date as audit text.
func dateKey(t time.Time) string { return t.Format("2006-01-02") }
