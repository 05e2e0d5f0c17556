package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// editDraft loads a plan the actor may edit and that is still a draft.
func (e *Engine) editDraft(ctx context.Context, r *request, ref string) (*Plan, Role, error) {
	p, role, err := e.planFor(ctx, r, ref, OpEdit)
	if err != nil {
		return nil, "", err
	}
	if p.Status != StatusDraft {
		return nil, "", Errorf(ESTATE, "err.not_draft", p.Number)
	}
	return p, role, nil
}

// edited saves a changed plan and answers with its card.
func (e *Engine) edited(ctx context.Context, r *request, p *Plan, role Role, what, from, to string) ([]Reply, error) {
	if err := e.save(ctx, r, p, []*AuditEntry{r.audit(p, role, what, from, to, "")}, nil); err != nil {
		return nil, err
	}
	return []Reply{r.reply(e.planCard(ctx, p, r.actor.ID, r.isHR))}, nil
}

// cmdGap sets the numbers of a draft's most urgent core problem, or of
// the one named: "gap 12 季度销售额 50万 35万 元", "差距 12 问题2 投诉率 3% 8%".
// A draft without problems gets its first one.
func (e *Engine) cmdGap(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	sel, rest := problemArg(rest)
	gap, err := parseGap(rest)
	if err != nil {
		return nil, err
	}
	p, role, err := e.editDraft(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	no, err := problemFor(p, sel)
	if err != nil {
		return nil, err
	}
	if no == 0 {
		no = p.addProblem(gap).No
		return e.edited(ctx, r, p, role, "plan.problem_add", "", problemSpec(*p.Problem(no)))
	}
	pr := p.Problem(no)
	old := problemSpec(*pr)
	pr.Gap = gap
	return e.edited(ctx, r, p, role, "plan.gap", old, problemSpec(*pr))
}

// cmdCause adds or removes a root cause of a core problem (the most urgent
// one unless named): "cause 12 人 跟进不及时", "原因 12 问题2 环境 …",
// "cause 12 remove 2", "cause 12 problem 2 remove 1".
func (e *Engine) cmdCause(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	sel, rest := problemArg(rest)
	remove := len(rest) == 2 && isWord(rest[0], "remove", "delete", "删除", "移除")
	var c RootCause
	if !remove {
		if c, err = parseCause(rest); err != nil {
			return nil, err
		}
	}
	p, role, err := e.editDraft(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	no, err := problemFor(p, sel)
	if err != nil {
		return nil, err
	}
	pr := p.Problem(no)
	if pr == nil {
		return nil, Errorf(EINVALID, "err.need_problem", p.Number)
	}
	if remove {
		k, err := strconv.Atoi(rest[1])
		if err != nil || k < 1 || k > len(pr.Causes) {
			return nil, Errorf(EINVALID, "err.no_item", rest[1])
		}
		old := pr.Causes[k-1].Text
		pr.Causes = append(pr.Causes[:k-1], pr.Causes[k:]...)
		return e.edited(ctx, r, p, role, "plan.cause_remove", old, "")
	}
	if err := checkRoom("cause_text", "err.too_many_causes", len(pr.Causes), maxCauses); err != nil {
		return nil, err
	}
	pr.Causes = append(pr.Causes, c)
	return e.edited(ctx, r, p, role, "plan.cause_add", "", string(c.Dimension))
}

// cmdGoal adds, edits or removes a SMART goal: "goal 12 <spec>",
// "goal 12 edit 1 <spec>", "goal 12 remove 1" (目标 12 修改 1 …, 目标 12 删除 1).
// A goal addresses the most urgent core problem unless one is named before
// its spec: "目标 12 问题2 客户投诉率 8% 3% 2个月".
// On a draft whoever may edit it may; on a running plan only the manager or
// HR, and the employee must acknowledge again. A goal's deadline may not
// fall after the plan's end.
func (e *Engine) cmdGoal(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	remove := len(rest) == 2 && isWord(rest[0], "remove", "delete", "删除", "移除")
	edit := 0
	if len(rest) > 2 && isWord(rest[0], "edit", "change", "修改", "编辑") {
		if edit, err = strconv.Atoi(strings.TrimPrefix(rest[1], "#")); err != nil || edit < 1 {
			return nil, Errorf(EINVALID, "err.no_item", rest[1])
		}
		rest = rest[2:]
	}
	sel, rest := problemArg(rest)
	var g Goal
	if !remove {
		if g, err = parseGoal(rest, r.now, r.tz); err != nil {
			return nil, err
		}
	}
	p, role, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	var entries []*AuditEntry
	switch {
	case p.Status == StatusDraft:
		if role, err = Authorize(e.rolesOf(ctx, p, r.actor.ID, r.isHR), OpEdit); err != nil {
			return nil, e.refusal(ctx, r, p, OpEdit)
		}
	default:
		from, rl, err := e.move(ctx, r, p, EvEditGoals)
		if err != nil {
			return nil, err
		}
		role = rl
		p.AckedAt = time.Time{}
		entries = append(entries, r.audit(p, role, "plan.edit_goals", string(from), string(p.Status), ""))
	}
	if !remove {
		if sel != 0 || edit == 0 {
			if g.Problem, err = problemFor(p, sel); err != nil {
				return nil, err
			}
		} else if old := p.Goal(edit); old != nil {
			g.Problem = old.Problem
		}
	}
	if !remove && g.Deadline.After(p.End) {
		return nil, Errorf(EINVALID, "err.goal_after_end", formatDate(r.loc, g.Deadline), formatDate(r.loc, p.End))
	}
	switch {
	case remove:
		k, err := strconv.Atoi(strings.TrimPrefix(rest[1], "#"))
		if err != nil || p.Goal(k) == nil {
			return nil, Errorf(EINVALID, "err.no_item", rest[1])
		}
		kept := p.Goals[:0]
		for _, x := range p.Goals {
			if x.No != k {
				kept = append(kept, x)
			}
		}
		p.Goals = kept
		entries = append(entries, r.audit(p, role, "plan.goal_remove", strconv.Itoa(k), "", ""))
	case edit > 0:
		old := p.Goal(edit)
		if old == nil {
			return nil, Errorf(EINVALID, "err.no_item", itoa(edit))
		}
		before := goalSpec(*old)
		g.No = old.No
		if old.Updated && old.Metric == g.Metric {
			g.Current, g.Updated = old.Current, true // the progress reported so far stays
		}
		*old = g
		entries = append(entries, r.audit(p, role, "plan.goal_edit", before, goalSpec(g), "#"+itoa(g.No)))
	default:
		if err := checkRoom("goal_metric", "err.too_many_goals", len(p.Goals), maxGoals); err != nil {
			return nil, err
		}
		g.No = nextGoalNo(p)
		p.Goals = append(p.Goals, g)
		entries = append(entries, r.audit(p, role, "plan.goal_add", "", goalSpec(g), "#"+itoa(g.No)))
	}
	if err := e.save(ctx, r, p, entries, nil); err != nil {
		return nil, err
	}
	replies := []Reply{r.reply(e.planCard(ctx, p, r.actor.ID, r.isHR))}
	if p.Status == StatusApproved && p.EmployeeID != r.actor.ID {
		replies = append(replies, e.notify(ctx, p, p.EmployeeID, "reack", "notify.reack", p.Number))
	}
	return replies, nil
}

// goalSpec is a goal as audit text: "客户满意度 60→80 分 by 2027-01-31".
func goalSpec(g Goal) string {
	s := g.Metric + " " + ftoa(g.Baseline) + "→" + ftoa(g.Target)
	if g.Unit != "" {
		s += " " + g.Unit
	}
	return s + " " + dateKey(g.Deadline)
}

// cmdEnd sets a draft's end date: "end 12 2027-01-31".
func (e *Engine) cmdEnd(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.date_missing")
	}
	p, role, err := e.editDraft(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	d, err := r.endDate(p, strings.Join(rest, " "))
	if err != nil {
		return nil, err
	}
	old := p.End.Format("2006-01-02")
	p.End = d
	return e.edited(ctx, r, p, role, "plan.end", old, d.Format("2006-01-02"))
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
