package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// cmdNew starts a plan: "new" (the actor's own), "new @employee" (a
// report's, or anyone's for HR), with an optional type, or "new form" (one
// form instead of the guided steps).
func (e *Engine) cmdNew(ctx context.Context, r *request, args []string) ([]Reply, error) {
	var other, typeWord string
	form := false
	for _, a := range args {
		switch {
		case mentionID(a) != "":
			if other != "" {
				return nil, Errorf(EINVALID, "err.new_format")
			}
			other = mentionID(a)
		case isWord(a, "form", "表单"):
			form = true
		case typeWord == "":
			if _, ok := parseType(a); !ok {
				return nil, Errorf(EINVALID, "err.bad_type", a)
			}
			typeWord = a
		default:
			return nil, Errorf(EINVALID, "err.new_format")
		}
	}
	if form {
		return []Reply{r.reply(Message{Title: r.tr("new.form_title"), Blocks: []Block{e.newPlanForm(r, other, e.peopleOptions(ctx, r))}})}, nil
	}
	emp, mgr, err := e.planPeople(ctx, r, other)
	if err != nil {
		return nil, err
	}
	typ, typed := parseType(typeWord)
	p, err := e.createDraft(ctx, r, emp, mgr, typ, nil)
	if err != nil {
		return nil, err
	}
	g := &guide{Plan: p.Number, Step: stepType}
	if typed {
		g.Step = stepGap
	}
	if err := e.saveGuide(ctx, r, g); err != nil {
		return nil, err
	}
	intro := r.tr("new.started", p.Number, e.name(ctx, r.cmd.Tenant, emp), e.managerName(ctx, r, mgr))
	return []Reply{r.reply(e.guidePrompt(r, g, intro))}, nil
}

// actNew is the "new plan" button: same as typing "new".
func (e *Engine) actNew(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Args["form"] == "1" {
		return e.cmdNew(ctx, r, []string{"form"})
	}
	return e.cmdNew(ctx, r, nil)
}

// planPeople decides the employee of a new plan and their manager, both
// from the directory. "new" alone is the actor's own plan; "new @x" is x's
// plan, which only x's managers (direct or further up) and HR may start.
// A manager may be unknown: the draft can be written, not submitted.
func (e *Engine) planPeople(ctx context.Context, r *request, other string) (emp, mgr string, err error) {
	emp = r.actor.ID
	if other != "" && other != r.actor.ID {
		if _, err := e.lookup(ctx, r.cmd.Tenant, other); err != nil {
			return "", "", err
		}
		rel := e.relation(ctx, r.cmd.Tenant, r.actor.ID, other)
		if !CanStart(rel, r.isHR) {
			return "", "", Errorf(EFORBIDDEN, "err.start_peer", e.name(ctx, r.cmd.Tenant, other), e.managerName(ctx, r, e.directoryManager(ctx, r.cmd.Tenant, other)))
		}
		emp = other
	}
	mgr = e.directoryManager(ctx, r.cmd.Tenant, emp)
	return emp, mgr, nil
}

// directoryManager is id's manager as the directory says now, "" when
// nobody knows.
func (e *Engine) directoryManager(ctx context.Context, tenant, id string) string {
	p, err := e.lookup(ctx, tenant, id)
	if err != nil {
		return ""
	}
	m, _ := e.managerOf(p)
	return m
}

// managerName shows a manager, or says none is known yet.
func (e *Engine) managerName(ctx context.Context, r *request, id string) string {
	if id == "" {
		return r.tr("who.no_manager")
	}
	return e.name(ctx, r.cmd.Tenant, id)
}

// createDraft stores a new draft plan and audits it; fill, when set, writes
// the content in before it is stored (the one-form draft).
func (e *Engine) createDraft(ctx context.Context, r *request, emp, mgr string, typ EmployeeType, fill func(p *Plan)) (*Plan, error) {
	if typ == "" {
		typ = TypeUnderPerformer
	}
	start := DateOnly(r.now.In(r.tz))
	p := &Plan{
		Tenant: r.cmd.Tenant, Platform: r.cmd.Platform, EmployeeID: emp, ManagerID: mgr, CreatedBy: r.actor.ID,
		EmployeeType: typ, Status: StatusDraft, Cycle: 1, Start: start, End: start.AddDate(0, 0, typ.CycleDays()),
		TeamVisible: e.policy(r.cmd.Tenant).TeamVisible, CreatedAt: r.now, UpdatedAt: r.now,
	}
	detail := string(typ)
	if fill != nil {
		fill(p)
		detail += " form"
	}
	err := e.commit(ctx, r, func(tx Store) error {
		if err := tx.CreatePlan(ctx, p); err != nil {
			return fmt.Errorf("create plan: %w", err)
		}
		return tx.AppendAudit(ctx, r.audit(p, r.editRole(p), "plan.create", "", string(StatusDraft), detail))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// maxPeopleOptions caps the candidates offered by a person input.
const maxPeopleOptions = 100

// peopleOptions lists the tenant's people as candidates for a person input:
// a platform's person picker may otherwise offer only the chat's members.
func (e *Engine) peopleOptions(ctx context.Context, r *request) []Option {
	people, err := e.store.People(ctx, r.cmd.Tenant)
	if err != nil {
		e.log.WarnContext(ctx, "list people for a form", "tenant", r.cmd.Tenant, "err", err)
		return nil
	}
	var opts []Option
	for _, p := range people {
		if len(opts) == maxPeopleOptions {
			break
		}
		label := p.Name
		if label == "" {
			label = p.ID
		}
		opts = append(opts, Option{Value: p.ID, Label: label})
	}
	return opts
}

// newPlanForm is the one-form way to create a plan with its first cause, goal
// and action; people are the candidates for the employee and manager inputs.
func (e *Engine) newPlanForm(r *request, employee string, people []Option) Form {
	l := r.loc
	opts := []Option{
		{string(TypeUnderPerformer), enumText(l, "type", string(TypeUnderPerformer))},
		{string(TypeHighPotential), enumText(l, "type", string(TypeHighPotential))},
		{string(TypeNewHire), enumText(l, "type", string(TypeNewHire))},
	}
	dims := []Option{
		{string(DimPerson), enumText(l, "dim", string(DimPerson))},
		{string(DimWork), enumText(l, "dim", string(DimWork))},
		{string(DimEnvironment), enumText(l, "dim", string(DimEnvironment))},
	}
	in := func(name string, kind InputKind, req bool) Input {
		return Input{Name: name, Label: T(l, "form."+name), Kind: kind, Required: req, Placeholder: T(l, "ph."+name)}
	}
	inputs := []Input{
		{Name: "employee", Label: T(l, "form.employee"), Kind: InputUser, Value: employee, Options: people},
		{Name: "type", Label: T(l, "form.type"), Kind: InputSelect, Required: true, Options: opts, Value: string(TypeUnderPerformer)},
		in("gap_metric", InputText, true), in("gap_target", InputNumber, true), in("gap_actual", InputNumber, true), in("gap_unit", InputText, false),
		{Name: "cause_dim", Label: T(l, "form.cause_dim"), Kind: InputSelect, Required: true, Options: dims, Value: string(DimPerson)},
		in("cause_text", InputTextArea, true),
		in("goal_metric", InputText, true), in("goal_baseline", InputNumber, true), in("goal_target", InputNumber, true),
		in("goal_unit", InputText, false), in("goal_deadline", InputDate, true),
		in("action_what", InputText, true), in("action_when", InputText, false), in("action_resources", InputText, false),
		in("end", InputDate, false),
	}
	return Form{Title: T(l, "new.form_title"), Action: ActionRef{ID: "plan.create"}, Inputs: inputs, Submit: T(l, "btn.create")}
}

// actCreate takes the submitted new-plan form: every input is checked and
// all problems are reported at once; nothing is stored unless all are right.
func (e *Engine) actCreate(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	v := in.Values
	var bad []FieldError
	fail := func(name, key string, args ...any) { bad = append(bad, FieldError{Name: name, Key: key, Args: args}) }
	num := func(name string) float64 {
		x, _, ok := ParseNumber(v[name])
		if !ok {
			fail(name, "err.bad_number", v[name])
		}
		return x
	}
	date := func(name string, required bool) time.Time {
		if v[name] == "" && !required {
			return time.Time{}
		}
		d, ok := parseDeadline(v[name], r.now, r.tz)
		if !ok {
			fail(name, "err.bad_date", v[name])
		} else if !d.After(r.now) {
			fail(name, "err.date_past", v[name])
		}
		return d
	}
	text := func(name string) string {
		if v[name] == "" {
			fail(name, "err.required")
		}
		return v[name]
	}
	typ, ok := parseType(v["type"])
	if !ok {
		fail("type", "err.bad_type", v["type"])
	}
	dim, ok := parseDimension(v["cause_dim"])
	if !ok {
		fail("cause_dim", "err.cause_dimension", v["cause_dim"])
	}
	gap := Gap{Metric: text("gap_metric"), Target: num("gap_target"), Actual: num("gap_actual"), Unit: v["gap_unit"]}
	cause := RootCause{Dimension: dim, Text: text("cause_text")}
	goal := Goal{No: 1, Metric: text("goal_metric"), Baseline: num("goal_baseline"), Target: num("goal_target"),
		Unit: v["goal_unit"], Deadline: DateOnly(date("goal_deadline", true))}
	if goal.Baseline == goal.Target && v["goal_target"] != "" {
		fail("goal_target", "err.goal_same")
	}
	goal.Current = goal.Baseline
	action, err := parseAction(text("action_what")+"|"+v["action_when"]+"|"+v["action_resources"], r.now, r.tz)
	if err != nil && v["action_what"] != "" {
		fail("action_what", "err.action_format")
	}
	action.No = 1
	end := date("end", false)
	emp, mgr, perr := e.planPeople(ctx, r, v["employee"])
	if perr != nil {
		var be *Error
		if !errors.As(perr, &be) {
			return nil, perr
		}
		bad = append(bad, FieldError{Name: "employee", Key: be.Key, Args: be.Args})
	}
	if !end.IsZero() && DateOnly(end).Before(goal.Deadline) {
		fail("goal_deadline", "err.goal_after_end", formatDate(r.loc, goal.Deadline), formatDate(r.loc, DateOnly(end)))
	}
	if len(bad) > 0 {
		return nil, &Error{Code: EINVALID, Key: "err.form_invalid", Args: []any{len(bad)}, Fields: bad}
	}
	p, err := e.createDraft(ctx, r, emp, mgr, typ, func(p *Plan) {
		p.Gap, p.Causes, p.Goals, p.Actions = gap, []RootCause{cause}, []Goal{goal}, []Action{action}
		if !end.IsZero() {
			p.End = DateOnly(end)
		}
		if goal.Deadline.After(p.End) {
			p.End = goal.Deadline // the type's default end follows the goal
		}
	})
	if err != nil {
		return nil, err
	}
	return []Reply{
		r.reply(Message{Blocks: []Block{Text{Body: r.tr("new.created", p.Number)}}}),
		r.reply(e.planCard(ctx, p, r.actor.ID, r.isHR)),
	}, nil
}

// planArg reads the plan reference in args[0] and returns the rest.
func planArg(args []string) (string, []string, error) {
	if len(args) == 0 {
		return "", nil, Errorf(EINVALID, "err.plan_missing")
	}
	if _, ok := parsePlanRef(args[0]); !ok {
		return "", nil, Errorf(EINVALID, "err.plan_ref", args[0])
	}
	return args[0], args[1:], nil
}

// itoa is strconv.Itoa, short for building action args.
func itoa(n int) string { return strconv.Itoa(n) }
