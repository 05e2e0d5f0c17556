package bot

import (
	"context"
	"strings"
)

// cmdReview records the monthly review: "review 12" opens the form;
// "review 12 销售额 45万 进展良好 下一步: 重点跟进大客户" records it directly.
func (e *Engine) cmdReview(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	p, err := e.reviewPlan(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return []Reply{r.reply(Message{Blocks: []Block{e.reviewForm(r, p)}})}, nil
	}
	if err := strictValues(p, rest); err != nil {
		return nil, err
	}
	values, text := parseUpdate(p, rest)
	assessment, next := splitNext(text)
	return e.recordReview(ctx, r, p, values, assessment, next)
}

// splitNext splits "assessment 下一步: next steps" / "... next: ...".
func splitNext(text string) (string, string) {
	for _, sep := range []string{"下一步:", "下一步：", "next steps:", "next:", "Next:", "Next steps:"} {
		if a, b, ok := strings.Cut(text, sep); ok {
			return strings.TrimSpace(a), strings.TrimSpace(b)
		}
	}
	return strings.TrimSpace(text), ""
}

func (e *Engine) reviewPlan(ctx context.Context, r *request, ref string) (*Plan, error) {
	p, _, err := e.planFor(ctx, r, ref, OpReview)
	if err != nil {
		return nil, err
	}
	if !p.Tracking() {
		return nil, Errorf(ESTATE, "err.not_running", p.Number, enumText(r.loc, "status", string(p.Status)))
	}
	return p, nil
}

func (e *Engine) reviewForm(r *request, p *Plan) Form {
	f := Form{Title: r.tr("review.form_title", p.Number, MonthKey(r.now, r.tz)), Action: ActionRef{ID: "plan.review", Args: map[string]string{"plan": itoa(p.Number)}}, Submit: r.tr("btn.send")}
	for _, g := range p.Goals {
		f.Inputs = append(f.Inputs, Input{Name: "goal_" + itoa(g.No), Label: r.tr("review.actual", g.Metric, withUnit(r.loc, g.Target, g.Unit)), Kind: InputNumber, Required: true, Value: ftoa(g.Current)})
	}
	f.Inputs = append(f.Inputs,
		Input{Name: "assessment", Label: r.tr("review.assessment"), Kind: InputTextArea, Required: true},
		Input{Name: "next", Label: r.tr("review.next"), Kind: InputTextArea})
	return f
}

// actReview opens the review form (button) or takes it.
func (e *Engine) actReview(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	p, err := e.reviewPlan(ctx, r, in.Args["plan"])
	if err != nil {
		return nil, err
	}
	if in.Values == nil {
		return []Reply{r.reply(Message{Blocks: []Block{e.reviewForm(r, p)}})}, nil
	}
	var values []GoalValue
	var bad []FieldError
	for _, g := range p.Goals {
		name := "goal_" + itoa(g.No)
		v, _, ok := ParseNumber(in.Values[name])
		if !ok {
			bad = append(bad, FieldError{Name: name, Key: "err.bad_number", Args: []any{in.Values[name]}})
			continue
		}
		if err := checkRange(p.Goal(g.No), v); err != nil {
			bad = append(bad, fieldOf(name, err))
			continue
		}
		values = append(values, GoalValue{Goal: g.No, Value: v})
	}
	if strings.TrimSpace(in.Values["assessment"]) == "" {
		bad = append(bad, FieldError{Name: "assessment", Key: "err.required"})
	}
	if len(bad) > 0 {
		return nil, &Error{Code: EINVALID, Key: "err.form_invalid", Args: []any{len(bad)}, Fields: bad}
	}
	return e.recordReview(ctx, r, p, values, in.Values["assessment"], in.Values["next"])
}

func (e *Engine) recordReview(ctx context.Context, r *request, p *Plan, values []GoalValue, assessment, next string) ([]Reply, error) {
	if strings.TrimSpace(assessment) == "" {
		return nil, Errorf(EINVALID, "err.assessment_required")
	}
	if err := checkLength("assessment", assessment, maxText); err != nil {
		return nil, err
	}
	if err := checkLength("next", next, maxText); err != nil {
		return nil, err
	}
	for _, v := range values {
		if err := checkRange(p.Goal(v.Goal), v.Value); err != nil {
			return nil, err
		}
	}
	for _, v := range values {
		g := p.Goal(v.Goal)
		g.Current, g.Updated = v.Value, true
	}
	rev := &Review{Tenant: p.Tenant, PlanID: p.ID, Month: MonthKey(r.now, r.tz), ReviewerID: r.actor.ID,
		Goals: goalResults(p), Assessment: assessment, NextSteps: next, At: r.now}
	role, _ := Authorize(e.rolesOf(ctx, p, r.actor.ID, r.isHR), OpReview)
	entry := r.audit(p, role, "plan.review", "", rev.Month, "")
	if err := e.save(ctx, r, p, []*AuditEntry{entry}, func(tx Store) error { return tx.AddReview(ctx, rev) }); err != nil {
		return nil, err
	}
	replies := []Reply{r.reply(e.reviewCard(ctx, r.actor.ID, p, rev))}
	for _, to := range r.others(p.EmployeeID) {
		replies = append(replies, Reply{To: to, Private: true, Key: notifyKey(p, "review:"+rev.Month, to), Message: e.reviewCard(ctx, to, p, rev)})
	}
	return replies, nil
}

// goalResults takes each goal's figures now.
func goalResults(p *Plan) []GoalResult {
	out := make([]GoalResult, len(p.Goals))
	for i, g := range p.Goals {
		out[i] = GoalResult{Goal: g.No, Metric: g.Metric, Target: g.Target, Actual: g.Current, Unit: g.Unit}
	}
	return out
}

// reviewCard shows a review (monthly or final) to one reader.
func (e *Engine) reviewCard(ctx context.Context, to string, p *Plan, rev *Review) Message {
	l, _ := e.prefs(e.person(ctx, p.Tenant, to))
	m := Message{Title: T(l, "review.title", p.Number, rev.Month), Color: ColorBlue}
	var f Fields
	for _, g := range rev.Goals {
		f = append(f, Field{g.Metric, T(l, "review.vs", withUnit(l, g.Actual, g.Unit), withUnit(l, g.Target, g.Unit))})
	}
	m.Blocks = append(m.Blocks, f, Text{Body: "**" + T(l, "review.assessment") + "** " + rev.Assessment})
	if rev.NextSteps != "" {
		m.Blocks = append(m.Blocks, Text{Body: "**" + T(l, "review.next") + "** " + rev.NextSteps})
	}
	m.Blocks = append(m.Blocks, Context(T(l, "review.by", e.name(ctx, p.Tenant, rev.ReviewerID))))
	return m
}
