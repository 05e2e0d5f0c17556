package bot

import (
	"context"
	"strings"
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
	}
	return "", false
}

// cmdClose ends the cycle with an outcome and lessons:
// "close 12 achieved 每周复盘很有效", "结案 12 延期 2027-03-31 还需巩固".
func (e *Engine) cmdClose(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.close_format")
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
		return e.extend(ctx, r, ref, rest[0], strings.Join(rest[1:], " "))
	}
	return e.close(ctx, r, ref, o, strings.Join(rest, " "))
}

// cmdExtend starts a new cycle with a new end date: "extend 12 2027-03-31 原因".
func (e *Engine) cmdExtend(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.extend_date")
	}
	return e.extend(ctx, r, ref, rest[0], strings.Join(rest[1:], " "))
}

// actClose opens the evaluation form (button) or takes it.
func (e *Engine) actClose(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, err := e.planFor(ctx, r, in.Args["plan"], OpClose)
		if err != nil {
			return nil, err
		}
		var opts []Option
		for _, o := range []Outcome{OutcomeAchieved, OutcomeExtended, OutcomeRoleAdjusted, OutcomeNotAchieved} {
			opts = append(opts, Option{string(o), enumText(r.loc, "outcome", string(o))})
		}
		f := Form{Title: r.tr("close.form_title", p.Number), Action: ActionRef{ID: "plan.close", Args: in.Args}, Submit: r.tr("btn.close"),
			Inputs: []Input{
				{Name: "outcome", Label: r.tr("field.outcome"), Kind: InputSelect, Required: true, Options: opts},
				{Name: "end", Label: r.tr("close.new_end"), Kind: InputDate},
				{Name: "lessons", Label: r.tr("field.lessons"), Kind: InputTextArea, Required: true},
			}}
		return []Reply{r.reply(Message{Blocks: []Block{f}}, true)}, nil
	}
	o, ok := parseOutcome(in.Values["outcome"])
	if !ok {
		return nil, &Error{Code: EINVALID, Key: "err.bad_outcome", Args: []any{in.Values["outcome"]},
			Fields: []FieldError{{Name: "outcome", Key: "err.bad_outcome", Args: []any{in.Values["outcome"]}}}}
	}
	if o == OutcomeExtended {
		if in.Values["end"] == "" {
			return nil, &Error{Code: EINVALID, Key: "err.extend_date", Fields: []FieldError{{Name: "end", Key: "err.extend_date"}}}
		}
		return e.extend(ctx, r, in.Args["plan"], in.Values["end"], in.Values["lessons"])
	}
	return e.close(ctx, r, in.Args["plan"], o, in.Values["lessons"])
}

func (e *Engine) close(ctx context.Context, r *request, ref string, o Outcome, lessons string) ([]Reply, error) {
	lessons = strings.TrimSpace(lessons)
	if lessons == "" {
		return nil, &Error{Code: EINVALID, Key: "err.lessons_required", Fields: []FieldError{{Name: "lessons", Key: "err.required"}}}
	}
	p, _, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	from, role, err := e.move(r, p, EvClose)
	if err != nil {
		return nil, err
	}
	p.Outcome, p.Lessons, p.ClosedAt = o, lessons, r.now
	final := &Review{Tenant: p.Tenant, PlanID: p.ID, Month: "final-" + itoa(p.Cycle), ReviewerID: r.actor.ID,
		Goals: goalResults(p), Assessment: enumText(LocaleEN, "outcome", string(o)), NextSteps: lessons, At: r.now}
	entry := r.audit(p, role, "plan.close", string(from), string(p.Status), string(o))
	if err := e.save(ctx, p, []*AuditEntry{entry}, func(tx Store) error { return tx.AddReview(ctx, final) }); err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done.closed", p.Number, enumText(r.loc, "outcome", string(o)))
	for _, to := range r.others(p.EmployeeID, p.ManagerID, p.MentorID) {
		replies = append(replies, e.notify(ctx, p, to, "closed", "notify.closed", enumText(e.localeOf(ctx, p.Tenant, to), "outcome", string(o))))
	}
	if o == OutcomeAchieved {
		for _, to := range r.others(e.hrPeople(ctx, r)...) {
			replies = append(replies, e.notify(ctx, p, to, "promotion", "notify.promotion", e.name(ctx, p.Tenant, p.EmployeeID)))
		}
	}
	return replies, nil
}

func (e *Engine) extend(ctx context.Context, r *request, ref, date, reason string) ([]Reply, error) {
	p, _, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	end, err := r.endDate(p, date)
	if err != nil {
		return nil, err
	}
	if !end.After(p.End) {
		return nil, Errorf(EINVALID, "err.extend_after", formatDate(r.loc, p.End))
	}
	from, role, err := e.move(r, p, EvExtend)
	if err != nil {
		return nil, err
	}
	oldEnd := p.End
	final := &Review{Tenant: p.Tenant, PlanID: p.ID, Month: "final-" + itoa(p.Cycle), ReviewerID: r.actor.ID,
		Goals: goalResults(p), Assessment: enumText(LocaleEN, "outcome", string(OutcomeExtended)), NextSteps: reason, At: r.now}
	p.Cycle++
	p.Start, p.End = DateOnly(r.now.In(r.tz)), end
	entry := r.audit(p, role, "plan.extend", string(from)+" "+oldEnd.Format("2006-01-02"), string(p.Status)+" "+end.Format("2006-01-02"), reason)
	if err := e.save(ctx, p, []*AuditEntry{entry}, func(tx Store) error { return tx.AddReview(ctx, final) }); err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done.extended", p.Number, p.Cycle, formatDate(r.loc, end))
	for _, to := range r.others(p.EmployeeID, p.MentorID) {
		replies = append(replies, e.notify(ctx, p, to, "extended:"+itoa(p.Cycle), "notify.extended", formatDate(e.localeOf(ctx, p.Tenant, to), end)))
	}
	return replies, nil
}
