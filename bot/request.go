package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// request is one command being handled: who, where, in which language and
// time zone, at what time, and whether its change is committed.
type request struct {
	cmd   Command
	actor Person
	isHR  bool
	loc   Locale
	tz    *time.Location
	now   time.Time
	// committed is set once the command's change is in the database (with
	// its effect record): from then on it must not be run again.
	committed bool
	// alerts are messages to others that the change set off (a plan that
	// turned critical), sent with the command's replies.
	alerts []Reply
}

// newRequest resolves the actor: the verified ID from the adapter, the stored
// profile, and HR status from configuration or the directory.
func (e *Engine) newRequest(ctx context.Context, cmd Command) (*request, error) {
	if cmd.Tenant == "" || cmd.Actor.ID == "" {
		return nil, Errorf(EFORBIDDEN, "err.no_identity")
	}
	actor, err := e.store.Person(ctx, cmd.Tenant, cmd.Actor.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("load actor: %w", err)
	}
	known := err == nil
	changed := !known
	if cmd.Actor.Name != "" && cmd.Actor.Name != actor.Name {
		actor.Name, changed = cmd.Actor.Name, true
	}
	if cmd.Actor.Locale != "" && !known {
		actor.Locale = cmd.Actor.Locale
	}
	if cmd.Actor.TZ != "" && cmd.Actor.TZ != actor.TZ {
		actor.TZ, changed = cmd.Actor.TZ, true
	}
	if cmd.Actor.ManagerID != "" && cmd.Actor.ManagerID != actor.ManagerID {
		actor.ManagerID, changed = cmd.Actor.ManagerID, true // the platform's directory said so
	}
	actor.Tenant, actor.ID = cmd.Tenant, cmd.Actor.ID
	if changed {
		if cmd.Actor.Name != "" {
			// The adapter read the directory just now. Without a name it did
			// not (it gave up, or has none): leave the row stale, so the next
			// lookup asks the directory again instead of trusting it a day.
			actor.UpdatedAt = e.now()
		}
		if err := e.store.SavePerson(ctx, actor); err != nil {
			return nil, fmt.Errorf("save actor: %w", err)
		}
	}
	r := &request{cmd: cmd, actor: actor, now: e.now()}
	r.isHR = e.hrOf(actor)
	r.loc, r.tz = e.prefs(actor)
	return r, nil
}

// prefs returns the language and time zone to use for a person.
func (e *Engine) prefs(p Person) (Locale, *time.Location) {
	l := p.Locale
	if l == "" {
		l = e.locale
	}
	tz := e.tz
	if p.TZ != "" {
		if z, err := time.LoadLocation(p.TZ); err == nil {
			tz = z
		}
	}
	return l, tz
}

// name is how a user is shown: their name, or their ID when unknown.
func (e *Engine) name(ctx context.Context, tenant, id string) string {
	if id == "" {
		return "-"
	}
	if p := e.person(ctx, tenant, id); p.Name != "" {
		return p.Name
	}
	return id
}

// planFor loads plan #ref in the actor's tenant and checks the actor may do op.
// Someone with no role at all is told the plan does not exist, so plan
// numbers leak nothing.
func (e *Engine) planFor(ctx context.Context, r *request, ref string, op Op) (*Plan, Role, error) {
	p, roles, err := e.planRoles(ctx, r, ref, nil)
	if err != nil {
		return nil, "", err
	}
	role, err := Authorize(roles, op)
	if err != nil {
		return nil, "", e.refusal(ctx, r, p, op)
	}
	return p, role, nil
}

// planRoles loads plan #ref in the actor's tenant with the roles the actor
// holds towards it; extra, when set, adds roles that depend on more than
// the plan (the owner of an action). Someone with no role at all is told
// the plan does not exist.
func (e *Engine) planRoles(ctx context.Context, r *request, ref string, extra func(p *Plan) []Role) (*Plan, []Role, error) {
	n, ok := parsePlanRef(ref)
	if !ok {
		return nil, nil, Errorf(EINVALID, "err.plan_ref", ref)
	}
	p, err := e.store.PlanByNumber(ctx, r.cmd.Tenant, n)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil, Errorf(ENOTFOUND, "err.plan_not_found", n)
		}
		return nil, nil, fmt.Errorf("load plan %d: %w", n, err)
	}
	if p.Status == StatusDeleted && p.CreatedBy != r.actor.ID && !r.isHR {
		return nil, nil, Errorf(ENOTFOUND, "err.plan_not_found", n)
	}
	roles := e.rolesOf(ctx, p, r.actor.ID, r.isHR)
	if extra != nil {
		if more := extra(p); len(more) > 0 {
			roles = append(slices.DeleteFunc(roles, func(x Role) bool { return x == RoleOther }), more...)
		}
	}
	if len(roles) == 1 && roles[0] == RoleOther {
		return nil, nil, Errorf(ENOTFOUND, "err.plan_not_found", n)
	}
	return p, roles, nil
}

// move applies a lifecycle event to p: checks the state machine, then that
// the actor holds a role allowed the guarding operation.
func (e *Engine) move(ctx context.Context, r *request, p *Plan, ev Event) (from Status, role Role, err error) {
	to, op, err := Next(p.Status, ev)
	if err != nil {
		return p.Status, "", Errorf(ESTATE, "err.bad_state", p.Number, enumText(r.loc, "status", string(p.Status)), r.tr("op."+string(op2(ev))))
	}
	role, err = Authorize(e.rolesOf(ctx, p, r.actor.ID, r.isHR), op)
	if err != nil {
		return p.Status, "", e.refusal(ctx, r, p, op)
	}
	from = p.Status
	p.Status = to
	return from, role, nil
}

// op2 names the operation an event needs, for messages about events that are
// not possible in the current state.
func op2(ev Event) Op {
	for _, edges := range machine {
		if t, ok := edges[ev]; ok {
			return t.op
		}
	}
	return Op(ev)
}

// audit builds an audit entry for the actor's change to p.
func (r *request) audit(p *Plan, role Role, action, from, to, detail string) *AuditEntry {
	return &AuditEntry{Tenant: p.Tenant, PlanID: p.ID, ActorID: r.actor.ID, Role: role,
		Platform: r.cmd.Platform, Action: action, From: from, To: to, Detail: detail, At: r.now}
}

// save writes p, the audit entries and any extra records in one
// transaction, with p's risk rating as it stands after the change
// (risk_alert.go); a plan that turned critical adds its alerts to r's.
func (e *Engine) save(ctx context.Context, r *request, p *Plan, entries []*AuditEntry, extra func(tx Store) error) error {
	var tz *time.Location
	if p.Tracking() {
		_, tz = e.prefs(e.person(ctx, p.Tenant, p.EmployeeID))
	}
	var risk Risk
	turned := false
	err := e.commit(ctx, r, func(tx Store) error {
		p.UpdatedAt = e.now()
		if err := tx.SavePlan(ctx, p); err != nil {
			return fmt.Errorf("save plan %d: %w", p.Number, err)
		}
		if extra != nil {
			if err := extra(tx); err != nil {
				return err
			}
		}
		for _, a := range entries {
			if err := tx.AppendAudit(ctx, a); err != nil {
				return fmt.Errorf("audit plan %d: %w", p.Number, err)
			}
		}
		var err error
		risk, turned, err = e.rerateIn(ctx, tx, p, tz, r.now)
		return err
	})
	if err == nil {
		e.planChanged(ctx, p.Tenant, p.ID)
		if turned {
			r.alerts = append(r.alerts, e.criticalAlerts(ctx, p, risk, r.now)...)
		}
	}
	return err
}

// reply answers the actor where they asked. Whether it is private is
// decided for every reply in one place (privacy.go), not here.
func (r *request) reply(m Message) Reply { return Reply{Message: m} }

// text is a reply with one paragraph, for the actor.
func (r *request) text(body string) Reply {
	return Reply{Message: Message{Blocks: []Block{Text{Body: body}}}}
}

// refusal says why the actor may not do op on p and who may instead, by
// name where the plan says who (its employee, manager, approver).
func (e *Engine) refusal(ctx context.Context, r *request, p *Plan, op Op) error {
	var who []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			who = append(who, s)
		}
	}
	person := func(id string) {
		if id != "" {
			add(e.name(ctx, p.Tenant, id))
		}
	}
	for _, role := range permissions[op] {
		switch role {
		case RoleEmployee:
			person(p.EmployeeID)
		case RoleManager:
			if p.ManagerID == "" {
				add(r.tr("who.manager"))
			}
			person(p.ManagerID)
		case RoleMentor:
			if p.MentorID == "" {
				add(r.tr("who.mentor"))
			}
			person(p.MentorID)
		case RoleDrafter:
			person(p.CreatedBy)
		case RoleApprover:
			if p.Stage == StageManager && p.ApproverID != "" {
				person(p.ApproverID)
			} else {
				add(r.tr("who.hr_not_drafter"))
			}
		case RoleDecider:
			add(r.tr("who.hr_not_proposer"))
		default:
			add(enumText(r.loc, "who", string(role)))
		}
	}
	return Errorf(EFORBIDDEN, "err.forbidden_op", r.tr("op."+string(op)), listOf(r.loc, who))
}

// editRole is the role an edit by the actor is recorded under: what they
// are to the plan's employee.
func (r *request) editRole(p *Plan) Role {
	switch {
	case p.EmployeeID == r.actor.ID:
		return RoleEmployee
	case p.ManagerID == r.actor.ID:
		return RoleManager
	case r.isHR:
		return RoleHR
	}
	return RoleDrafter
}
