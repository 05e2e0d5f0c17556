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
	if err := e.save(ctx, p, []*AuditEntry{r.audit(p, role, what, from, to, "")}, nil); err != nil {
		return nil, err
	}
	return []Reply{r.reply(e.planCard(ctx, p, r.actor.ID, r.isHR), true)}, nil
}

// cmdGap sets the gap of a draft: "gap 12 季度销售额 50万 35万 元".
func (e *Engine) cmdGap(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	gap, err := parseGap(rest)
	if err != nil {
		return nil, err
	}
	p, role, err := e.editDraft(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	old := gapLine(LocaleEN, p.Gap)
	p.Gap = gap
	return e.edited(ctx, r, p, role, "plan.gap", old, gapLine(LocaleEN, gap))
}

// cmdCause adds or removes a root cause: "cause 12 人 跟进不及时", "cause 12 remove 2".
func (e *Engine) cmdCause(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 2 && isWord(rest[0], "remove", "delete", "删除", "移除") {
		k, err := strconv.Atoi(rest[1])
		p, role, perr := e.editDraft(ctx, r, ref)
		if perr != nil {
			return nil, perr
		}
		if err != nil || k < 1 || k > len(p.Causes) {
			return nil, Errorf(EINVALID, "err.no_item", rest[1])
		}
		old := p.Causes[k-1].Text
		p.Causes = append(p.Causes[:k-1], p.Causes[k:]...)
		return e.edited(ctx, r, p, role, "plan.cause_remove", old, "")
	}
	c, err := parseCause(rest)
	if err != nil {
		return nil, err
	}
	p, role, err := e.editDraft(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	p.Causes = append(p.Causes, c)
	return e.edited(ctx, r, p, role, "plan.cause_add", "", string(c.Dimension))
}

// cmdGoal adds or removes a SMART goal. On a draft anyone editing may; on a
// running plan only the manager or HR, and the employee must acknowledge again.
func (e *Engine) cmdGoal(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	remove := len(rest) == 2 && isWord(rest[0], "remove", "delete", "删除", "移除")
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
		if role, err = Authorize(RolesOf(p, r.actor.ID, r.isHR), OpEdit); err != nil {
			return nil, Errorf(EFORBIDDEN, "err.forbidden_op", r.tr("op.edit"), allowedRoles(r.loc, OpEdit))
		}
	default:
		from, rl, err := e.move(r, p, EvEditGoals)
		if err != nil {
			return nil, err
		}
		role = rl
		p.AckedAt = time.Time{}
		entries = append(entries, r.audit(p, role, "plan.edit_goals", string(from), string(p.Status), ""))
	}
	if remove {
		k, err := strconv.Atoi(rest[1])
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
	} else {
		g.No = nextGoalNo(p)
		p.Goals = append(p.Goals, g)
		entries = append(entries, r.audit(p, role, "plan.goal_add", "", g.Metric+" "+ftoa(g.Baseline)+"→"+ftoa(g.Target), ""))
	}
	if err := e.save(ctx, p, entries, nil); err != nil {
		return nil, err
	}
	replies := []Reply{r.reply(e.planCard(ctx, p, r.actor.ID, r.isHR), true)}
	if p.Status == StatusApproved && p.EmployeeID != r.actor.ID {
		replies = append(replies, e.notify(ctx, p, p.EmployeeID, "reack", "notify.reack", p.Number))
	}
	return replies, nil
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
