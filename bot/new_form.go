package bot

import (
	"context"
	"errors"
	"strings"
	"time"
)

// formProblems are the core problems the one-form draft asks for: the
// first is required, the second optional; input names end in the suffix.
var formProblems = []string{"", "2"}

// newPlanForm is the one-form way to create a plan: up to two core
// problems, each with a root cause and a goal, and a first action with its
// owner, time node, resources and measure; people are the candidates for
// the employee input.
func (e *Engine) newPlanForm(r *request, employee string, people []Option) Form {
	l := r.loc
	opts := enumOptions(l, "type", TypeUnderPerformer, TypeHighPotential, TypeNewHire)
	dims := enumOptions(l, "dim", DimPerson, DimWork, DimEnvironment)
	owners := enumOptions(l, "owner", OwnerEmployee, OwnerManager, OwnerHR)
	in := func(name, key string, kind InputKind, req bool) Input {
		return Input{Name: name, Label: T(l, "form."+key), Kind: kind, Required: req, Placeholder: T(l, "ph."+key)}
	}
	inputs := []Input{
		{Name: "employee", Label: T(l, "form.employee"), Kind: InputUser, Value: employee, Options: people},
		{Name: "type", Label: T(l, "form.type"), Kind: InputSelect, Required: true, Options: opts, Value: string(TypeUnderPerformer)},
	}
	for _, sfx := range formProblems {
		req := sfx == ""
		head := func(in Input) Input {
			if !req {
				in.Label = T(l, "form.second", in.Label)
			}
			return in
		}
		inputs = append(inputs,
			head(in("gap_metric"+sfx, "gap_metric", InputText, req)), in("gap_target"+sfx, "gap_target", InputNumber, req),
			in("gap_actual"+sfx, "gap_actual", InputNumber, req), in("gap_unit"+sfx, "gap_unit", InputText, false),
			Input{Name: "cause_dim" + sfx, Label: T(l, "form.cause_dim"), Kind: InputSelect, Required: req, Options: dims, Value: string(DimPerson)},
			in("cause_text"+sfx, "cause_text", InputTextArea, req),
			head(in("goal_metric"+sfx, "goal_metric", InputText, req)), in("goal_baseline"+sfx, "goal_baseline", InputNumber, req),
			in("goal_target"+sfx, "goal_target", InputNumber, req), in("goal_unit"+sfx, "goal_unit", InputText, false),
			in("goal_deadline"+sfx, "goal_deadline", InputDate, req))
	}
	inputs = append(inputs,
		in("action_what", "action_what", InputText, true),
		Input{Name: "action_owner", Label: T(l, "form.action_owner"), Kind: InputSelect, Options: owners, Value: string(OwnerEmployee)},
		in("action_when", "action_when", InputText, false), in("action_resources", "action_resources", InputText, false),
		in("action_measure", "action_measure", InputText, false),
		in("end", "end", InputDate, false),
	)
	return Form{Title: T(l, "new.form_title"), Action: ActionRef{ID: "plan.create"}, Inputs: inputs, Submit: T(l, "btn.create")}
}

// enumOptions lists values as select options with their localised names.
func enumOptions[T ~string](l Locale, kind string, values ...T) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: string(v), Label: enumText(l, kind, string(v))}
	}
	return out
}

// formReader reads a submitted form's values, collecting a problem per
// input so all of them are reported at once.
type formReader struct {
	r   *request
	v   map[string]string
	bad []FieldError
}

func (f *formReader) fail(name, key string, args ...any) {
	f.bad = append(f.bad, FieldError{Name: name, Key: key, Args: args})
}

func (f *formReader) num(name string) float64 {
	x, _, ok := ParseNumber(f.v[name])
	if !ok {
		f.fail(name, "err.bad_number", f.v[name])
	}
	return x
}

func (f *formReader) date(name string, required bool) time.Time {
	if f.v[name] == "" && !required {
		return time.Time{}
	}
	d, ok := parseDeadline(f.v[name], f.r.now, f.r.tz)
	if !ok {
		f.fail(name, "err.bad_date", f.v[name])
	} else if !d.After(f.r.now) {
		f.fail(name, "err.date_past", f.v[name])
	}
	return d
}

func (f *formReader) text(name string) string {
	if strings.TrimSpace(f.v[name]) == "" {
		f.fail(name, "err.required")
	}
	return strings.TrimSpace(f.v[name])
}

// length records a problem when input name is longer than limit.
func (f *formReader) length(name, s string, limit int) {
	var be *Error
	if errors.As(checkLength(name, s, limit), &be) {
		f.bad = append(f.bad, be.Fields...)
	}
}

// add records err against input name when it is a user error.
func (f *formReader) add(name string, err error) {
	var be *Error
	if !errors.As(err, &be) {
		f.fail(name, "err.internal")
		return
	}
	if len(be.Fields) > 0 {
		f.bad = append(f.bad, be.Fields...)
		return
	}
	f.bad = append(f.bad, FieldError{Name: name, Key: be.Key, Args: be.Args})
}

// problem reads the core problem, cause and goal with input suffix sfx as
// problem no; ok is false when an optional one was left empty.
func (f *formReader) problem(sfx string, no int) (Problem, Goal, bool) {
	v := f.v
	if sfx != "" && v["gap_metric"+sfx] == "" && v["goal_metric"+sfx] == "" && v["cause_text"+sfx] == "" {
		return Problem{}, Goal{}, false
	}
	dim, ok := parseDimension(v["cause_dim"+sfx])
	if !ok {
		f.fail("cause_dim"+sfx, "err.cause_dimension", v["cause_dim"+sfx])
	}
	gap := Gap{Metric: f.text("gap_metric" + sfx), Target: f.num("gap_target" + sfx), Actual: f.num("gap_actual" + sfx), Unit: v["gap_unit"+sfx]}
	pr := Problem{No: no, Priority: no, Gap: gap, Causes: []RootCause{{Dimension: dim, Text: f.text("cause_text" + sfx)}}}
	goal := Goal{No: no, Problem: no, Metric: f.text("goal_metric" + sfx), Baseline: f.num("goal_baseline" + sfx), Target: f.num("goal_target" + sfx),
		Unit: v["goal_unit"+sfx], Deadline: DateOnly(f.date("goal_deadline"+sfx, true))}
	f.length("gap_metric"+sfx, gap.Metric, maxName)
	f.length("gap_unit"+sfx, gap.Unit, maxName)
	f.length("cause_text"+sfx, pr.Causes[0].Text, maxReason)
	f.length("goal_metric"+sfx, goal.Metric, maxName)
	f.length("goal_unit"+sfx, goal.Unit, maxName)
	if goal.Baseline == goal.Target && v["goal_target"+sfx] != "" {
		f.fail("goal_target"+sfx, "err.goal_same")
	}
	goal.Current = goal.Baseline
	return pr, goal, true
}

// actCreate takes the submitted new-plan form: every input is checked and
// all problems are reported at once; nothing is stored unless all are right.
func (e *Engine) actCreate(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil { // opened again, e.g. to turn a page
		return e.cmdNew(ctx, r, []string{"form"})
	}
	f := &formReader{r: r, v: in.Values}
	v := in.Values
	typ, ok := parseType(v["type"])
	if !ok {
		f.fail("type", "err.bad_type", v["type"])
	}
	var problems []Problem
	var goals []Goal
	for i, sfx := range formProblems {
		if pr, g, ok := f.problem(sfx, i+1); ok {
			problems, goals = append(problems, pr), append(goals, g)
		}
	}
	what := f.text("action_what")
	action, err := parseAction(what+"|"+v["action_when"]+"|"+v["action_resources"]+"|"+v["action_measure"], r.now, r.tz)
	if err != nil && what != "" {
		f.add("action_what", err)
	}
	action.No = 1
	if o := v["action_owner"]; o != "" {
		if k, _, ok := parseOwner(o); ok && k != OwnerPerson {
			action.OwnerKind = k
		} else {
			f.fail("action_owner", "err.bad_owner", o)
		}
	}
	end := f.date("end", false)
	emp, mgr, perr := e.planPeople(ctx, r, v["employee"])
	if perr != nil {
		f.add("employee", perr)
	}
	if action.OwnerKind == OwnerManager && perr == nil && mgr == "" {
		f.fail("action_owner", "err.owner_no_manager")
	}
	for i, g := range goals {
		if !end.IsZero() && DateOnly(end).Before(g.Deadline) {
			f.fail("goal_deadline"+formProblems[i], "err.goal_after_end", formatDate(r.loc, g.Deadline), formatDate(r.loc, DateOnly(end)))
		}
	}
	if len(f.bad) > 0 {
		return nil, &Error{Code: EINVALID, Key: "err.form_invalid", Args: []any{len(f.bad)}, Fields: f.bad}
	}
	p, err := e.createDraft(ctx, r, emp, mgr, typ, func(p *Plan) {
		p.Problems, p.Goals, p.Actions = problems, goals, []Action{action}
		if !end.IsZero() {
			p.End = DateOnly(end)
		}
		for _, g := range goals {
			if g.Deadline.After(p.End) {
				p.End = g.Deadline // the type's default end follows the goals
			}
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
