package bot

import (
	"context"
	"fmt"
)

// notifyKey identifies one notification so a redelivery is sent once.
func notifyKey(p *Plan, kind, to string) string {
	return fmt.Sprintf("%s:plan:%d:v%d:%s:%s", p.Tenant, p.ID, p.Version, kind, to)
}

// notify tells one person, in their language, about a plan: a line of text
// and a button to open the plan. It always goes one-to-one.
func (e *Engine) notify(ctx context.Context, p *Plan, to, kind, key string, args ...any) Reply {
	l, _ := e.prefs(e.person(ctx, p.Tenant, to))
	m := Message{Title: e.planTitle(ctx, l, p), Color: statusColor(p.Status), Blocks: []Block{
		Text{Body: T(l, key, args...)},
		Buttons{{Label: T(l, "btn.show"), Action: ActionRef{ID: "plan.show", Args: map[string]string{"plan": itoa(p.Number)}}}},
	}}
	return Reply{To: to, Private: true, Key: notifyKey(p, kind, to), Message: m}
}

// notifyCard sends one person the whole plan card with the buttons their
// roles allow, after a line saying why.
func (e *Engine) notifyCard(ctx context.Context, p *Plan, to, kind, key string, args ...any) Reply {
	l, _ := e.prefs(e.person(ctx, p.Tenant, to))
	card := e.planCard(ctx, p, to, e.isHR(ctx, p.Tenant, to))
	card.Blocks = append([]Block{Text{Body: T(l, key, args...)}}, card.Blocks...)
	return Reply{To: to, Private: true, Key: notifyKey(p, kind, to), Message: card}
}

// tenantPlatform is the platform part of a tenant id ("lark:abc" → "lark").
func tenantPlatform(tenant string) string {
	for i := 0; i < len(tenant); i++ {
		if tenant[i] == ':' {
			return tenant[:i]
		}
	}
	return tenant
}

// decided answers a click that decided something: the clicked card is
// replaced (so its buttons are gone for everyone) by the plan as it is now.
// A typed command gets the card as a new message instead.
func (e *Engine) decided(ctx context.Context, r *request, p *Plan, key string, args ...any) []Reply {
	card := e.planCard(ctx, p, r.actor.ID, r.isHR)
	card.Blocks = append([]Block{Text{Body: r.tr(key, args...)}}, card.Blocks...)
	rep := r.reply(card)
	rep.Replace = r.cmd.Action != nil && !r.cmd.Chat.Group
	return []Reply{rep}
}

// others lists the distinct people among ids other than the actor.
func (r *request) others(ids ...string) []string {
	seen := map[string]bool{r.actor.ID: true, "": true}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// tellHR notifies every HR user of the tenant but the actor (HR hears of
// every approved and closed plan, and of an employee's disagreement).
func (e *Engine) tellHR(ctx context.Context, r *request, p *Plan, kind, key string, args ...any) []Reply {
	var out []Reply
	for _, to := range r.others(e.hrPeople(ctx, p.Tenant)...) {
		out = append(out, e.notify(ctx, p, to, kind, key, args...))
	}
	return out
}
