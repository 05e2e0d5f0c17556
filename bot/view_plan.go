package bot

import (
	"context"
	"strconv"
	"time"
)

// onTrack reports whether progress keeps pace with the time elapsed in the
// cycle, with ten points of slack.
func onTrack(p *Plan, progress float64, now time.Time) bool {
	total := p.End.Sub(p.Start)
	if total <= 0 || now.Before(p.Start) {
		return true
	}
	elapsed := float64(now.Sub(p.Start)) / float64(total) * 100
	if elapsed > 100 {
		elapsed = 100
	}
	return progress+10 >= elapsed
}

// statusColor gives each status a header color.
func statusColor(s Status) Color {
	switch s {
	case StatusDraft:
		return ColorGrey
	case StatusSubmitted, StatusApproved:
		return ColorOrange
	case StatusActive:
		return ColorBlue
	case StatusClosed:
		return ColorGreen
	}
	return ColorRed
}

// planTitle is "#12 绩效改进计划 · 张三".
func (e *Engine) planTitle(ctx context.Context, l Locale, p *Plan) string {
	return T(l, "plan.title", p.Number, e.name(ctx, p.Tenant, p.EmployeeID))
}

// planCard renders a whole plan for one reader, with the buttons their roles allow.
func (e *Engine) planCard(ctx context.Context, p *Plan, readerID string, isHR bool) Message {
	reader := e.person(ctx, p.Tenant, readerID)
	l, tz := e.prefs(reader)
	roles := e.rolesOf(ctx, p, readerID, isHR)
	m := Message{Title: e.planTitle(ctx, l, p), Color: statusColor(p.Status)}
	f := Fields{
		{T(l, "field.status"), enumText(l, "status", string(p.Status))},
	}
	if k := e.riskOf(ctx, p, e.now()); k.Level != "" {
		f = append(f, Field{T(l, "field.risk"), k.Line(l)})
	}
	f = append(f, Fields{
		{T(l, "field.type"), enumText(l, "type", string(p.EmployeeType))},
		{T(l, "field.employee"), e.name(ctx, p.Tenant, p.EmployeeID)},
		{T(l, "field.manager"), e.name(ctx, p.Tenant, p.ManagerID)},
	}...)
	if p.MentorID != "" {
		f = append(f, Field{T(l, "field.mentor"), e.name(ctx, p.Tenant, p.MentorID)})
	}
	f = append(f, Field{T(l, "field.period"), formatDate(l, p.Start) + " → " + formatDate(l, p.End)})
	if p.Cycle > 1 {
		f = append(f, Field{T(l, "field.cycle"), strconv.Itoa(p.Cycle)})
	}
	if p.Outcome != "" {
		f = append(f, Field{T(l, "field.outcome"), enumText(l, "outcome", string(p.Outcome))})
	}
	m.Blocks = append(m.Blocks, f)
	if p.Title != "" {
		m.Blocks = append(m.Blocks, Text{Body: p.Title})
	}
	m.Blocks = append(m.Blocks, e.tableBlocks(ctx, l, p, readerID, isHR)...)
	if p.Reason != "" && (p.Status == StatusDraft || p.Status == StatusCancelled) {
		m.Blocks = append(m.Blocks, Text{Body: "**" + T(l, "field.reason") + "** " + p.Reason})
	}
	if p.Lessons != "" {
		m.Blocks = append(m.Blocks, Text{Body: "**" + T(l, "field.lessons") + "** " + p.Lessons})
	}
	if p.Status == StatusSubmitted {
		m.Blocks = append(m.Blocks, Context(T(l, "plan.waiting", e.approverName(ctx, l, p))))
	}
	if pr := p.Pending; pr != nil && (hasRole(roles, RoleManager) || hasRole(roles, RoleHR) || hasRole(roles, RoleSenior)) {
		m.Blocks = append(m.Blocks, Text{Body: "⏳ " + T(l, "plan.pending_outcome", enumText(l, "outcome", string(pr.Outcome)), e.name(ctx, p.Tenant, pr.ProposedBy))})
	}
	if b := planButtons(l, p, roles); len(b) > 0 {
		m.Blocks = append(m.Blocks, b)
	}
	m.Blocks = append(m.Blocks, Context(T(l, "plan.footer", p.Number, formatTime(l, p.UpdatedAt, tz))))
	return m
}

// gapLine is "销售额：目标 50万，实际 35万，差距 15万". When lower is better
// (complaint rate: target 3%, actual 8%) the gap reads as a reduction
// needed ("需降低 5%"), never as "-5%".
func gapLine(l Locale, g Gap) string {
	if g.Size() < 0 {
		return T(l, "plan.gap_line_lower", g.Metric, withUnit(l, g.Target, g.Unit), withUnit(l, g.Actual, g.Unit), withUnit(l, -g.Size(), g.Unit))
	}
	return T(l, "plan.gap_line", g.Metric, withUnit(l, g.Target, g.Unit), withUnit(l, g.Actual, g.Unit), withUnit(l, g.Size(), g.Unit))
}

// goalProgress is one goal as a progress bar, colored by whether it is on track.
func goalProgress(l Locale, p *Plan, g Goal, now time.Time) Progress {
	c := ColorOrange
	if g.Achieved() {
		c = ColorGreen
	} else if onTrack(p, g.Progress(), now) {
		c = ColorBlue
	}
	cur := "-"
	if g.Updated {
		cur = withUnit(l, g.Current, g.Unit)
	}
	return Progress{
		Label:   strconv.Itoa(g.No) + ". " + g.Metric,
		Percent: g.Progress(),
		Detail:  T(l, "plan.goal_detail", withUnit(l, g.Baseline, g.Unit), cur, withUnit(l, g.Target, g.Unit), formatDate(l, g.Deadline)),
		Color:   c,
	}
}

// planButtons offers what the reader's roles can do next in the plan's status.
func planButtons(l Locale, p *Plan, roles []Role) Buttons {
	can := func(op Op) bool { _, err := Authorize(roles, op); return err == nil }
	ref := map[string]string{"plan": strconv.Itoa(p.Number)}
	btn := func(key, id string, style ButtonStyle) Button {
		return Button{Label: T(l, key), Action: ActionRef{ID: id, Args: ref}, Style: style}
	}
	var b Buttons
	switch p.Status {
	case StatusDraft:
		if can(OpSubmit) && len(p.Goals) > 0 {
			b = append(b, btn("btn.submit", "plan.submit", StylePrimary))
		}
		if can(OpDelete) {
			del := btn("btn.delete", "plan.delete", StyleDanger)
			del.Confirm = T(l, "confirm.delete", p.Number)
			b = append(b, del)
		}
	case StatusSubmitted:
		if can(OpApprove) {
			b = append(b, btn("btn.approve", "plan.approve", StylePrimary),
				btn("btn.changes", "plan.changes", StyleDefault),
				btn("btn.reject", "plan.reject", StyleDanger))
		}
	case StatusApproved:
		if can(OpAcknowledge) {
			dis := btn("btn.disagree", "plan.ack", StyleDefault)
			dis.Action.Args = map[string]string{"plan": strconv.Itoa(p.Number), "disagree": "1"}
			b = append(b, btn("btn.ack", "plan.ack", StylePrimary), dis)
		}
	}
	if p.Pending != nil && can(OpOutcomeHR) {
		b = append(b, btn("btn.confirm_outcome", "outcome.confirm", StylePrimary), btn("btn.reject_outcome", "outcome.reject", StyleDanger))
	}
	if p.Tracking() {
		if can(OpUpdate) {
			b = append(b, btn("btn.update", "plan.update", StylePrimary))
		}
		if can(OpReview) && p.Status == StatusActive {
			b = append(b, btn("btn.review", "plan.review", StyleDefault), btn("btn.interview", "interview.book", StyleDefault))
		}
		if can(OpTrack) {
			b = append(b, btn("btn.track", "plan.track", StyleDefault))
		}
		if can(OpClose) && p.Status == StatusActive && p.Pending == nil {
			b = append(b, btn("btn.close", "plan.close", StyleDefault))
		}
	}
	return b
}
