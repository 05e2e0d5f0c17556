package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// cmdNew starts a plan: "new", "new @employee", "new @employee 新员工",
// "new form" (one form instead of the guided steps).
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
		return []Reply{r.reply(Message{Title: r.tr("new.form_title"), Blocks: []Block{e.newPlanForm(r, other, e.peopleOptions(ctx, r))}}, true)}, nil
	}
	emp, mgr, err := e.planPeople(ctx, r, other)
	if err != nil {
		return nil, err
	}
	typ, typed := parseType(typeWord)
	p, err := e.createDraft(ctx, r, emp, mgr, typ)
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
	intro := r.tr("new.started", p.Number, e.name(ctx, r.cmd.Tenant, emp), e.name(ctx, r.cmd.Tenant, mgr))
	return []Reply{r.reply(e.guidePrompt(r, g, intro), true)}, nil
}

// actNew is the "new plan" button: same as typing "new".
func (e *Engine) actNew(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Args["form"] == "1" {
		return e.cmdNew(ctx, r, []string{"form"})
	}
	return e.cmdNew(ctx, r, nil)
}

// planPeople decides employee and manager of a new plan. "new" alone is the
// actor's own plan with their org-chart manager; "new @x" names the actor's
// manager (then it is the actor's plan) or an employee (then the actor manages it).
func (e *Engine) planPeople(ctx context.Context, r *request, other string) (emp, mgr string, err error) {
	switch {
	case other == "":
		if r.actor.ManagerID == "" {
			return "", "", Errorf(EINVALID, "err.need_manager")
		}
		emp, mgr = r.actor.ID, r.actor.ManagerID
	case other == r.actor.ManagerID:
		emp, mgr = r.actor.ID, other
	default:
		emp, mgr = other, r.actor.ID
		if r.isHR {
			if p := e.person(ctx, r.cmd.Tenant, other); p.ManagerID != "" && p.ManagerID != other {
				mgr = p.ManagerID
			}
		}
	}
	if emp == mgr {
		return "", "", Errorf(EINVALID, "err.self_manager")
	}
	return emp, mgr, nil
}

// createDraft stores a new draft plan and audits it.
func (e *Engine) createDraft(ctx context.Context, r *request, emp, mgr string, typ EmployeeType) (*Plan, error) {
	if typ == "" {
		typ = TypeUnderPerformer
	}
	start := DateOnly(r.now.In(r.tz))
	p := &Plan{
		Tenant: r.cmd.Tenant, Platform: r.cmd.Platform, EmployeeID: emp, ManagerID: mgr, CreatedBy: r.actor.ID,
		EmployeeType: typ, Status: StatusDraft, Cycle: 1, Start: start, End: start.AddDate(0, 0, typ.CycleDays()),
		CreatedAt: r.now, UpdatedAt: r.now,
	}
	err := e.store.InTx(ctx, func(tx Store) error {
		if err := tx.CreatePlan(ctx, p); err != nil {
			return fmt.Errorf("create plan: %w", err)
		}
		role, _ := Authorize(RolesOf(p, r.actor.ID, r.isHR), OpEdit)
		return tx.AppendAudit(ctx, r.audit(p, role, "plan.create", "", string(StatusDraft), string(typ)))
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
		{Name: "manager", Label: T(l, "form.manager"), Kind: InputUser, Value: r.actor.ManagerID, Options: people},
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
	other := v["employee"]
	if other == r.actor.ID {
		other = ""
	}
	if v["manager"] != "" && other == "" && v["manager"] != r.actor.ID {
		r.actor.ManagerID = v["manager"]
	}
	emp, mgr, perr := e.planPeople(ctx, r, other)
	if perr != nil {
		var be *Error
		if errors.As(perr, &be) {
			fail("employee", be.Key)
		}
	}
	if len(bad) > 0 {
		return nil, &Error{Code: EINVALID, Key: "err.form_invalid", Args: []any{len(bad)}, Fields: bad}
	}
	p, err := e.createDraft(ctx, r, emp, mgr, typ)
	if err != nil {
		return nil, err
	}
	p.Gap, p.Causes, p.Goals, p.Actions = gap, []RootCause{cause}, []Goal{goal}, []Action{action}
	if !end.IsZero() {
		p.End = DateOnly(end)
	}
	role, _ := Authorize(RolesOf(p, r.actor.ID, r.isHR), OpEdit)
	if err := e.save(ctx, p, []*AuditEntry{r.audit(p, role, "plan.edit", "", "", "form")}, nil); err != nil {
		return nil, err
	}
	return []Reply{
		r.reply(Message{Blocks: []Block{Text{Body: r.tr("new.created", p.Number)}}}, false),
		r.reply(e.planCard(ctx, p, r.actor.ID, r.isHR), true),
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
