package bot

import "context"

// What is not about one plan: the tenant's roles (HR, HR admin, a manager
// with a team), and its audit entries, kept under plan id 0.

// tenantRoles lists the actor's tenant-level roles.
func (e *Engine) tenantRoles(ctx context.Context, r *request) []Role {
	var roles []Role
	if r.isHR {
		roles = append(roles, RoleHR)
	}
	if e.hrAdmin(r.cmd.Tenant, r.actor.ID) {
		roles = append(roles, RoleHRAdmin)
	}
	if e.hasTeam(ctx, r.cmd.Tenant, r.actor.ID) {
		roles = append(roles, RoleTeamManager)
	}
	if len(roles) == 0 {
		return []Role{RoleOther}
	}
	return roles
}

// hasTeam reports whether id has at least one report in the directory, or
// is the manager of an open plan.
func (e *Engine) hasTeam(ctx context.Context, tenant, id string) bool {
	if people, err := e.store.People(ctx, tenant); err == nil {
		for _, p := range people {
			if m, _ := e.managerOf(p); m == id && p.ID != id {
				return true
			}
		}
	}
	plans, err := e.store.ListPlans(ctx, tenant, PlanQuery{ManagerID: id, Statuses: []Status{StatusSubmitted, StatusApproved, StatusActive}, Limit: 1})
	return err == nil && len(plans) > 0
}

// tenantAuthorize checks a tenant-level operation; the refusal says who
// may do it.
func (e *Engine) tenantAuthorize(ctx context.Context, r *request, op Op) (Role, error) {
	role, err := Authorize(e.tenantRoles(ctx, r), op)
	if err != nil {
		var who []string
		for _, role := range tenantPermissions[op] {
			who = append(who, enumText(r.loc, "who", string(role)))
		}
		return RoleOther, Errorf(EFORBIDDEN, "err.forbidden_op", r.tr("op."+string(op)), listOf(r.loc, who))
	}
	return role, nil
}

// tenantAudit builds an audit entry for a change that belongs to no plan.
func (r *request) tenantAudit(role Role, action, from, to, detail string) *AuditEntry {
	return &AuditEntry{Tenant: r.cmd.Tenant, ActorID: r.actor.ID, Role: role, Platform: r.cmd.Platform,
		Action: action, From: from, To: to, Detail: detail, At: r.now}
}

// tell is a private one-to-one message to someone about the organisation
// (not about a plan), in their language.
func (e *Engine) tell(ctx context.Context, tenant, to, kind, key string, args ...any) Reply {
	l := e.localeOf(ctx, tenant, to)
	return Reply{To: to, Private: true, Key: tenant + ":org:" + kind + ":" + to,
		Message: Message{Blocks: []Block{Text{Body: T(l, key, args...)}}}}
}
