package bot

import (
	"context"
	"strconv"
	"strings"
)

// cmdProblem keeps a draft's core problems (绩效差距分析表):
// "problem 12 客户投诉率 3% 8%" adds one at the lowest priority,
// "problem 12 edit 2 <numbers>" changes its numbers, "problem 12 remove 2"
// drops it (its goals stay, unlinked), "problem 12 rank 2 1" moves it to
// priority 1 (问题 12 修改 2 …, 问题 12 删除 2, 问题 12 优先级 2 1).
func (e *Engine) cmdProblem(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.problem_format")
	}
	sub, no := "add", 0
	switch {
	case isWord(rest[0], "edit", "change", "修改", "编辑"):
		sub = "edit"
	case isWord(rest[0], "remove", "delete", "删除", "移除"):
		sub = "remove"
	case isWord(rest[0], "rank", "priority", "优先级", "排序"):
		sub = "rank"
	case isWord(rest[0], "add", "添加", "新增", "加"):
		rest = rest[1:]
	}
	if sub != "add" {
		if len(rest) < 2 {
			return nil, Errorf(EINVALID, "err.problem_format")
		}
		if no, err = strconv.Atoi(strings.TrimPrefix(rest[1], "#")); err != nil || no < 1 {
			return nil, Errorf(EINVALID, "err.no_problem", rest[1])
		}
		rest = rest[2:]
	}
	var gap Gap
	to := 0
	switch sub {
	case "add", "edit":
		if gap, err = parseGap(rest); err != nil {
			return nil, err
		}
	case "rank":
		if len(rest) != 1 {
			return nil, Errorf(EINVALID, "err.problem_format")
		}
		if to, err = strconv.Atoi(rest[0]); err != nil || to < 1 {
			return nil, Errorf(EINVALID, "err.bad_priority", rest[0])
		}
	case "remove":
		if len(rest) != 0 {
			return nil, Errorf(EINVALID, "err.problem_format")
		}
	}
	p, role, err := e.editDraft(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	if sub == "add" {
		if len(p.Problems) >= maxProblems {
			return nil, Errorf(EINVALID, "err.too_many_problems", maxProblems)
		}
		pr := p.addProblem(gap)
		return e.edited(ctx, r, p, role, "plan.problem_add", "", problemSpec(*pr))
	}
	pr := p.Problem(no)
	if pr == nil {
		return nil, Errorf(EINVALID, "err.no_problem", no)
	}
	old := problemSpec(*pr)
	switch sub {
	case "edit":
		pr.Gap = gap
		return e.edited(ctx, r, p, role, "plan.gap", old, problemSpec(*pr))
	case "rank":
		if to > len(p.Problems) {
			return nil, Errorf(EINVALID, "err.bad_priority", itoa(to))
		}
		from := pr.Priority
		p.rank(no, to)
		return e.edited(ctx, r, p, role, "plan.problem_rank", itoa(from), itoa(to))
	}
	p.removeProblem(no)
	return e.edited(ctx, r, p, role, "plan.problem_remove", old, "")
}

// problemSpec is a core problem as audit text: "#2 P1 投诉率 3→8 %".
func problemSpec(pr Problem) string {
	s := "#" + itoa(pr.No) + " P" + itoa(pr.Priority) + " " + pr.Gap.Metric + " " + ftoa(pr.Gap.Target) + "/" + ftoa(pr.Gap.Actual)
	if pr.Gap.Unit != "" {
		s += " " + pr.Gap.Unit
	}
	return s
}
