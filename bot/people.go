package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Who someone is and who they report to. Authority comes from here, never
// from what a user types: a plan's manager is the employee's manager in
// the directory, and who may start, approve or close a plan follows from
// the reporting lines.

// Relation is how a plan's employee stands to the person acting on it.
type Relation string

// Relations, from the actor's point of view.
const (
	RelSelf   Relation = "self"   // the actor is the employee
	RelReport Relation = "report" // the employee reports to the actor
	RelSkip   Relation = "skip"   // the employee reports to someone who reports (…) to the actor
	RelPeer   Relation = "peer"   // anyone else in the tenant
)

// maxChain bounds a walk up the reporting lines (and breaks cycles that a
// directory might have).
const maxChain = 12

// ManagerSource says where a person's manager came from.
type ManagerSource string

// Sources of a reporting line, in order of precedence.
const (
	FromDirectory ManagerSource = "directory" // Feishu leader_user_id, Slack profile field
	FromOrgFile   ManagerSource = "org"       // PIPBOT_ORG
	FromHR        ManagerSource = "hr"        // HR's "reports @x @y"
)

// person loads someone of the tenant from the people table; someone pipbot
// has never met is looked up in the platform's directory first (and so
// saved), else a stub carrying only the ID.
func (e *Engine) person(ctx context.Context, tenant, id string) Person {
	p, err := e.store.Person(ctx, tenant, id)
	if err == nil {
		return p
	}
	if e.profiles != nil && id != "" {
		if p, err := e.profiles.Profile(ctx, tenant, id); err == nil {
			p.Tenant, p.ID = tenant, id
			return p
		}
	}
	return Person{Tenant: tenant, ID: id}
}

// lookup is someone of the tenant as the directory says now (through its
// cache): for decisions of authority. Unknown people are EINVALID.
func (e *Engine) lookup(ctx context.Context, tenant, id string) (Person, error) {
	if id == "" {
		return Person{}, Errorf(EINVALID, "err.unknown_person", "-")
	}
	if e.profiles != nil {
		p, err := e.profiles.Profile(ctx, tenant, id)
		if err == nil {
			p.Tenant, p.ID = tenant, id
			return p, nil
		}
		if !errors.Is(err, ErrNotFound) {
			// The platform did not answer: the stored profile is the best
			// knowledge there is; without one we cannot tell, and say so
			// as a failure to retry rather than "no such person".
			if stored, serr := e.store.Person(ctx, tenant, id); serr == nil {
				return stored, nil
			}
			return Person{}, fmt.Errorf("look up %s: %w", id, err)
		}
	}
	p, err := e.store.Person(ctx, tenant, id)
	if errors.Is(err, ErrNotFound) {
		return Person{}, Errorf(EINVALID, "err.unknown_person", id)
	}
	if err != nil {
		return Person{}, fmt.Errorf("look up %s: %w", id, err)
	}
	return p, nil
}

// orgEntry is the org file's line for a person of the tenant, if any.
func (e *Engine) orgEntry(tenant, id string) (OrgEntry, bool) {
	x, ok := e.org[tenantPlatform(tenant)+":"+id]
	return x, ok
}

// managerOf is a person's manager and where that came from: the platform's
// directory, else the org file, else what HR assigned in chat.
func (e *Engine) managerOf(p Person) (string, ManagerSource) {
	if p.ManagerID != "" {
		return p.ManagerID, FromDirectory
	}
	if x, ok := e.orgEntry(p.Tenant, p.ID); ok && x.Manager != "" {
		_, id, _ := strings.Cut(x.Manager, ":")
		return id, FromOrgFile
	}
	if p.AssignedManagerID != "" {
		return p.AssignedManagerID, FromHR
	}
	return "", ""
}

// hrOf reports whether p is HR: granted in chat, flagged in the org file,
// or on the break-glass list.
func (e *Engine) hrOf(p Person) bool {
	if p.HR || e.hrAdmin(p.Tenant, p.ID) {
		return true
	}
	x, ok := e.orgEntry(p.Tenant, p.ID)
	return ok && x.HR
}

// hrAdmin reports whether id is on the break-glass list (PIPBOT_HR), the
// HR admins who grant and revoke HR.
func (e *Engine) hrAdmin(tenant, id string) bool {
	return e.hr[tenantPlatform(tenant)+":"+id]
}

// isHR reports whether a user of the tenant is HR.
func (e *Engine) isHR(ctx context.Context, tenant, id string) bool {
	return e.hrOf(e.person(ctx, tenant, id))
}

// chain lists the managers above id, nearest first, as the directory says
// now; it stops at the top, at someone unknown, or at a cycle.
func (e *Engine) chain(ctx context.Context, tenant, id string) []string {
	seen := map[string]bool{id: true}
	var up []string
	for len(up) < maxChain {
		p, err := e.lookup(ctx, tenant, id)
		if err != nil {
			break
		}
		m, _ := e.managerOf(p)
		if m == "" || seen[m] {
			break
		}
		seen[m] = true
		up = append(up, m)
		id = m
	}
	return up
}

// relation is how employee stands to actor in the reporting lines.
func (e *Engine) relation(ctx context.Context, tenant, actor, employee string) Relation {
	if actor == employee {
		return RelSelf
	}
	for i, m := range e.chain(ctx, tenant, employee) {
		if m == actor {
			if i == 0 {
				return RelReport
			}
			return RelSkip
		}
	}
	return RelPeer
}

// hrPeople lists the tenant's HR users: those in the people table, the org
// file's and the break-glass list's on the tenant's platform.
func (e *Engine) hrPeople(ctx context.Context, tenant string) []string {
	platform := tenantPlatform(tenant)
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if people, err := e.store.People(ctx, tenant); err == nil {
		for _, p := range people {
			if e.hrOf(p) {
				add(p.ID)
			}
		}
	}
	for key := range e.hr {
		if p, id, _ := strings.Cut(key, ":"); p == platform {
			add(id)
		}
	}
	for key, x := range e.org {
		if p, id, _ := strings.Cut(key, ":"); p == platform && x.HR {
			add(id)
		}
	}
	return ids
}

// names joins people's names for a message, in the reader's language.
func (e *Engine) names(ctx context.Context, l Locale, tenant string, ids []string) string {
	var out []string
	for _, id := range ids {
		out = append(out, e.name(ctx, tenant, id))
	}
	if len(out) == 0 {
		return T(l, "who.hr")
	}
	return listOf(l, out)
}

// listOf joins items the way the reader's language lists them.
func listOf(l Locale, items []string) string {
	if l == LocaleZH {
		return strings.Join(items, "、")
	}
	return strings.Join(items, ", ")
}
