package bot

import (
	"context"
	"errors"
	"strings"
)

// cmdUpdate posts weekly progress: "更新 销售额 42万 本周拜访8家",
// "update #12 sales 420000 visited 8 clients". With no content it opens a form.
func (e *Engine) cmdUpdate(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref := ""
	if len(args) > 0 {
		if _, ok := parsePlanRef(args[0]); ok {
			ref, args = args[0], args[1:]
		}
	}
	p, err := e.trackedPlan(ctx, r, ref, OpUpdate)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return []Reply{r.reply(Message{Blocks: []Block{e.updateForm(r, p)}})}, nil
	}
	values, text := parseUpdate(p, args)
	return e.postUpdate(ctx, r, p, values, text)
}

// actUpdate opens the update form (button) or takes its submission.
func (e *Engine) actUpdate(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	p, err := e.trackedPlan(ctx, r, in.Args["plan"], OpUpdate)
	if err != nil {
		return nil, err
	}
	if in.Values == nil {
		return []Reply{r.reply(Message{Blocks: []Block{e.updateForm(r, p)}})}, nil
	}
	var values []GoalValue
	var bad []FieldError
	for _, g := range p.Goals {
		name := "goal_" + itoa(g.No)
		s := strings.TrimSpace(in.Values[name])
		if s == "" {
			continue
		}
		v, _, ok := ParseNumber(s)
		if !ok {
			bad = append(bad, FieldError{Name: name, Key: "err.bad_number", Args: []any{s}})
			continue
		}
		if err := checkRange(p.Goal(g.No), v); err != nil {
			bad = append(bad, fieldOf(name, err))
			continue
		}
		values = append(values, GoalValue{Goal: g.No, Value: v})
	}
	if len(bad) > 0 {
		return nil, &Error{Code: EINVALID, Key: "err.form_invalid", Args: []any{len(bad)}, Fields: bad}
	}
	return e.postUpdate(ctx, r, p, values, in.Values["text"])
}

// trackedPlan finds the plan to report on: the one named, or the actor's
// only running plan.
func (e *Engine) trackedPlan(ctx context.Context, r *request, ref string, op Op) (*Plan, error) {
	if ref == "" {
		plans, err := e.store.ListPlans(ctx, r.cmd.Tenant, PlanQuery{EmployeeID: r.actor.ID, Statuses: []Status{StatusActive, StatusApproved}})
		if err != nil {
			return nil, err
		}
		var running []*Plan
		for _, p := range plans {
			if p.Tracking() {
				running = append(running, p)
			}
		}
		switch len(running) {
		case 0:
			return nil, Errorf(EINVALID, "err.no_running_plan")
		case 1:
			ref = itoa(running[0].Number)
		default:
			return nil, Errorf(EINVALID, "err.which_plan", len(running))
		}
	}
	p, _, err := e.planFor(ctx, r, ref, op)
	if err != nil {
		return nil, err
	}
	if !p.Tracking() {
		return nil, Errorf(ESTATE, "err.not_running", p.Number, enumText(r.loc, "status", string(p.Status)))
	}
	return p, nil
}

// updateForm asks for each goal's current value and a note.
func (e *Engine) updateForm(r *request, p *Plan) Form {
	f := Form{Title: r.tr("update.form_title", p.Number, WeekKey(r.now, r.tz)), Action: ActionRef{ID: "plan.update", Args: map[string]string{"plan": itoa(p.Number)}}, Submit: r.tr("btn.send")}
	for _, g := range p.Goals {
		in := Input{Name: "goal_" + itoa(g.No), Label: g.Metric + unitSuffix(g.Unit), Kind: InputNumber,
			Placeholder: r.tr("update.ph_goal", ftoa(g.Target))}
		if g.Updated {
			in.Value = ftoa(g.Current)
		}
		f.Inputs = append(f.Inputs, in)
	}
	f.Inputs = append(f.Inputs, Input{Name: "text", Label: r.tr("update.text"), Kind: InputTextArea, Required: true, Placeholder: r.tr("update.ph_text")})
	return f
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " (" + u + ")"
}

// parseUpdate picks goal values out of the words: "销售额 42万", "销售额42万",
// "sales=420000", "#1 420000", "quarterly sales 420000". The rest is the note.
func parseUpdate(p *Plan, words []string) ([]GoalValue, string) {
	var values []GoalValue
	var rest []string
	seen := map[int]bool{}
	for i := 0; i < len(words); i++ {
		if gv, used, ok := matchValue(p, words[i:], seen); ok {
			values = append(values, gv)
			seen[gv.Goal] = true
			i += used - 1
			continue
		}
		rest = append(rest, words[i])
	}
	return values, strings.Join(rest, " ")
}

// matchValue reads one goal value at the start of words and says how many
// words it used.
func matchValue(p *Plan, words []string, seen map[int]bool) (GoalValue, int, bool) {
	find := func(name, num string) (GoalValue, bool) {
		v, _, ok := ParseNumber(num)
		if !ok {
			return GoalValue{}, false
		}
		for _, g := range p.Goals {
			if !seen[g.No] && (matchesMetric(name, g.Metric) || name == "#"+itoa(g.No)) {
				return GoalValue{Goal: g.No, Value: v}, true
			}
		}
		return GoalValue{}, false
	}
	w := words[0]
	for _, sep := range []string{"=", ":"} {
		if name, val, ok := strings.Cut(w, sep); ok && name != "" && val != "" {
			if gv, ok := find(name, val); ok {
				return gv, 1, true
			}
		}
	}
	if name, num, ok := splitGluedNumber(w); ok {
		if gv, ok := find(name, num); ok {
			return gv, 1, true
		}
	}
	for span := min(3, len(words)-1); span >= 1; span-- {
		if gv, ok := find(strings.Join(words[:span], " "), words[span]); ok {
			return gv, span + 1, true
		}
	}
	return GoalValue{}, 0, false
}

// postUpdate checks and records one update, moves the goals' current values,
// and tells the manager.
func (e *Engine) postUpdate(ctx context.Context, r *request, p *Plan, values []GoalValue, text string) ([]Reply, error) {
	text = strings.TrimSpace(text)
	if text == "" && len(values) == 0 {
		return nil, Errorf(EINVALID, "err.update_empty")
	}
	if err := checkLength("text", text, maxText); err != nil {
		return nil, err
	}
	for _, v := range values {
		g := p.Goal(v.Goal)
		if err := checkRange(g, v.Value); err != nil {
			return nil, err
		}
	}
	for _, v := range values {
		g := p.Goal(v.Goal)
		g.Current, g.Updated = v.Value, true
	}
	role, _ := Authorize(e.rolesOf(ctx, p, r.actor.ID, r.isHR), OpUpdate)
	u := &Update{Tenant: p.Tenant, PlanID: p.ID, AuthorID: r.actor.ID, Week: WeekKey(r.now, r.tz), Text: text, Values: values, At: r.now}
	entry := r.audit(p, role, "plan.update", "", u.Week, "")
	if err := e.save(ctx, r, p, []*AuditEntry{entry}, func(tx Store) error { return tx.AddUpdate(ctx, u) }); err != nil {
		return nil, err
	}
	m := Message{Title: r.tr("update.saved_title", p.Number, u.Week), Color: ColorGreen}
	for _, v := range values {
		m.Blocks = append(m.Blocks, goalProgress(r.loc, p, *p.Goal(v.Goal), r.now))
	}
	m.Blocks = append(m.Blocks, Text{Body: r.tr("update.saved", formatPercent(p.Progress()))})
	replies := []Reply{r.reply(m)}
	for _, to := range r.others(p.ManagerID) {
		replies = append(replies, e.notify(ctx, p, to, "update:"+u.Week+":"+itoa(int(r.now.Unix())), "notify.update", e.name(ctx, p.Tenant, r.actor.ID), u.Week, formatPercent(p.Progress())))
	}
	return replies, nil
}

// checkRange refuses values outside a goal's scale: a percentage is
// 0–100, a score is within its scale (5, 10 or 100 points, the smallest
// holding the goal's own figures), and nothing goes below zero when the
// goal's figures do not.
func checkRange(g *Goal, v float64) error {
	if lo, hi, ok := goalScale(g); ok && (v < lo || v > hi) {
		return Errorf(EINVALID, "err.out_of_range", g.Metric, ftoa(v), ftoa(lo)+"–"+ftoa(hi)+unitSuffixPlain(g.Unit))
	}
	if v < 0 && g.Baseline >= 0 && g.Target >= 0 {
		return Errorf(EINVALID, "err.out_of_range", g.Metric, ftoa(v), "≥ 0")
	}
	return nil
}

// scoreUnits name points on a scale.
var scoreUnits = []string{"分", "points", "point", "pts", "score", "星", "stars"}

// goalScale is the range a goal's values must stay in, when its unit says.
func goalScale(g *Goal) (lo, hi float64, ok bool) {
	if g.Unit == "%" {
		return 0, 100, true
	}
	if !isWord(g.Unit, scoreUnits...) {
		return 0, 0, false
	}
	top := max(g.Baseline, g.Target)
	for _, s := range []float64{5, 10, 100} {
		if top <= s {
			return 0, s, true
		}
	}
	return 0, 0, false
}

func unitSuffixPlain(u string) string {
	if u == "%" {
		return "%"
	}
	return " " + u
}

// fieldOf turns a value's error into the form field's error.
func fieldOf(name string, err error) FieldError {
	var be *Error
	if errors.As(err, &be) {
		return FieldError{Name: name, Key: be.Key, Args: be.Args}
	}
	return FieldError{Name: name, Key: "err.internal"}
}

// strictValues refuses a goal named with something that is not a number
// after it ("评估 2 客户满意度 abc"): where a review expects a figure, text
// is a mistake, not a note.
func strictValues(p *Plan, words []string) error {
	for i := 0; i+1 < len(words); i++ {
		for _, g := range p.Goals {
			if !matchesMetric(words[i], g.Metric) && words[i] != "#"+itoa(g.No) {
				continue
			}
			next := words[i+1]
			if _, _, ok := ParseNumber(next); !ok && !strings.ContainsAny(next, ":：") {
				return Errorf(EINVALID, "err.value_expected", next, g.Metric)
			}
		}
	}
	return nil
}
