package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// request is one command being handled: who, where, in which language and
// time zone, at what time.
type request struct {
	cmd   Command
	actor Person
	isHR  bool
	loc   Locale
	tz    *time.Location
	now   time.Time
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
		actor.ManagerID, changed = cmd.Actor.ManagerID, true
	}
	actor.Tenant, actor.ID = cmd.Tenant, cmd.Actor.ID
	if changed {
		actor.UpdatedAt = e.now()
		if err := e.store.SavePerson(ctx, actor); err != nil {
			return nil, fmt.Errorf("save actor: %w", err)
		}
	}
	r := &request{cmd: cmd, actor: actor, now: e.now()}
	r.isHR = actor.HR || e.hr[cmd.Platform+":"+actor.ID]
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

// person loads someone of the tenant, or a stub carrying only the ID.
func (e *Engine) person(ctx context.Context, tenant, id string) Person {
	p, err := e.store.Person(ctx, tenant, id)
	if err != nil {
		return Person{Tenant: tenant, ID: id}
	}
	return p
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
	n, ok := parsePlanRef(ref)
	if !ok {
		return nil, "", Errorf(EINVALID, "err.plan_ref", ref)
	}
	p, err := e.store.PlanByNumber(ctx, r.cmd.Tenant, n)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, "", Errorf(ENOTFOUND, "err.plan_not_found", n)
		}
		return nil, "", fmt.Errorf("load plan %d: %w", n, err)
	}
	roles := RolesOf(p, r.actor.ID, r.isHR)
	if len(roles) == 1 && roles[0] == RoleOther {
		return nil, "", Errorf(ENOTFOUND, "err.plan_not_found", n)
	}
	role, err := Authorize(roles, op)
	if err != nil {
		return nil, "", Errorf(EFORBIDDEN, "err.forbidden_op", r.tr("op."+string(op)), allowedRoles(r.loc, op))
	}
	return p, role, nil
}

// allowedRoles lists, localised, who may perform op.
func allowedRoles(l Locale, op Op) string {
	var names []string
	for _, role := range permissions[op] {
		names = append(names, enumText(l, "role", string(role)))
	}
	sep := ", "
	if l == LocaleZH {
		sep = "、"
	}
	return strings.Join(names, sep)
}

// move applies a lifecycle event to p: checks the state machine, then that
// the actor holds a role allowed the guarding operation.
func (e *Engine) move(r *request, p *Plan, ev Event) (from Status, role Role, err error) {
	to, op, err := Next(p.Status, ev)
	if err != nil {
		return p.Status, "", Errorf(ESTATE, "err.bad_state", p.Number, enumText(r.loc, "status", string(p.Status)), r.tr("op."+string(op2(ev))))
	}
	role, err = Authorize(RolesOf(p, r.actor.ID, r.isHR), op)
	if err != nil {
		return p.Status, "", Errorf(EFORBIDDEN, "err.forbidden_op", r.tr("op."+string(op)), allowedRoles(r.loc, op))
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

// save writes p, the audit entries and any extra records in one transaction.
func (e *Engine) save(ctx context.Context, p *Plan, entries []*AuditEntry, extra func(tx Store) error) error {
	err := e.store.InTx(ctx, func(tx Store) error {
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
		return nil
	})
	if err == nil {
		e.planChanged(ctx, p.Tenant, p.ID)
	}
	return err
}

// hrPeople lists the tenant's HR users on the command's platform.
func (e *Engine) hrPeople(ctx context.Context, r *request) []string {
	seen := map[string]bool{}
	var ids []string
	people, err := e.store.People(ctx, r.cmd.Tenant)
	if err == nil {
		for _, p := range people {
			if p.HR || e.hr[r.cmd.Platform+":"+p.ID] {
				seen[p.ID] = true
				ids = append(ids, p.ID)
			}
		}
	}
	for key := range e.hr {
		platform, id, _ := strings.Cut(key, ":")
		if platform == r.cmd.Platform && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// reply answers the actor where they asked; private content in a group goes
// to the actor's DM instead.
func (r *request) reply(m Message, private bool) Reply {
	rep := Reply{Message: m, Private: private}
	if private && r.cmd.Chat.Group {
		rep.To = r.actor.ID
	}
	return rep
}

// text is a reply with one paragraph, for the actor.
func (r *request) text(body string) Reply {
	return Reply{Message: Message{Blocks: []Block{Text{Body: body}}}}
}
