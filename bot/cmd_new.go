package bot

import (
	"context"
	"fmt"
	"strconv"
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
