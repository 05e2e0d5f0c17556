package bot

import (
	"context"
	"strconv"
	"strings"
)

// maxDoneButtons caps the "mark done" buttons on one card.
const maxDoneButtons = 5

// tableBlocks shows the plan's tables: the core problems by priority with
// their causes and goals, then the actions with owner, time node and
// status, and the actions the reader may mark done as buttons.
func (e *Engine) tableBlocks(ctx context.Context, l Locale, p *Plan, readerID string, isHR bool) []Block {
	var out []Block
	now := e.now()
	linked := map[int]bool{}
	for _, pr := range p.Ranked() {
		body := "**" + T(l, "plan.problem_head", pr.No, pr.Priority) + "** " + gapLine(l, pr.Gap)
		for i, c := range pr.Causes {
			body += "\n" + strconv.Itoa(i+1) + ". [" + enumText(l, "dim", string(c.Dimension)) + "] " + c.Text
		}
		out = append(out, Text{Body: body})
		for _, g := range p.GoalsOf(pr.No) {
			out = append(out, goalProgress(l, p, g, now))
			linked[g.No] = true
		}
	}
	var rest []Block
	for _, g := range p.Goals {
		if !linked[g.No] {
			rest = append(rest, goalProgress(l, p, g, now))
		}
	}
	if len(rest) > 0 {
		out = append(append(out, Text{Body: "**" + T(l, "field.goals") + "**"}), rest...)
	}
	if len(p.Actions) == 0 {
		return out
	}
	var lines []string
	var done Buttons
	for _, a := range p.Actions {
		lines = append(lines, e.actionLine(ctx, l, p, a))
		if p.Tracking() && a.Status != ActionDone && len(done) < maxDoneButtons && (a.ownedBy(p, readerID, isHR) || readerID == p.ManagerID || isHR) {
			done = append(done, Button{Label: T(l, "btn.action_done", a.No),
				Action: ActionRef{ID: "action.done", Args: map[string]string{"plan": itoa(p.Number), "action": itoa(a.No)}}})
		}
	}
	out = append(out, Text{Body: "**" + T(l, "field.actions") + "**\n" + strings.Join(lines, "\n")})
	if len(done) > 0 {
		out = append(out, done)
	}
	return out
}

// actionLine is "2. ✅ 每周五更新拜访记录 · 责任人：经理 · 每周五 17:00前 · 完成于 2026-11-20".
func (e *Engine) actionLine(ctx context.Context, l Locale, p *Plan, a Action) string {
	icon := map[ActionStatus]string{ActionNotStarted: "⬜", ActionInProgress: "🔄", ActionDone: "✅", ActionDelayed: "⚠️"}[a.Status]
	parts := []string{strconv.Itoa(a.No) + ". " + icon + " " + a.What, T(l, "action.owner", e.ownerName(ctx, l, p, a))}
	if !a.When.IsZero() {
		parts = append(parts, a.When.String(l))
	}
	if a.Resources != "" {
		parts = append(parts, T(l, "action.resources", a.Resources))
	}
	if a.Measure != "" {
		parts = append(parts, T(l, "action.measure", a.Measure))
	}
	st := enumText(l, "action", string(a.Status))
	if a.Status == ActionDone && !a.DoneAt.IsZero() {
		st = T(l, "action.done_at", formatDate(l, a.DoneAt))
	}
	parts = append(parts, st)
	return strings.Join(parts, " · ")
}

// ownerName is who answers for a: "员工", "经理 张三", "HR" or a person's name.
func (e *Engine) ownerName(ctx context.Context, l Locale, p *Plan, a Action) string {
	switch k := a.Kind(); k {
	case OwnerPerson:
		return e.name(ctx, p.Tenant, a.Owner)
	case OwnerManager:
		if p.ManagerID != "" {
			return enumText(l, "owner", string(k)) + " " + e.name(ctx, p.Tenant, p.ManagerID)
		}
		return enumText(l, "owner", string(k))
	default:
		return enumText(l, "owner", string(k))
	}
}
