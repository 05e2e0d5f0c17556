package bot

import (
	"slices"
	"strconv"
	"strings"
)

// Problem is one core problem of a plan (核心问题 of 绩效差距分析表): its
// numbers, its priority among the plan's problems and its root causes.
type Problem struct {
	No       int         `json:"no"`       // 1-based, stable within the plan; goals point at it
	Priority int         `json:"priority"` // 1 is the most urgent; unique within the plan
	Gap      Gap         `json:"gap"`
	Causes   []RootCause `json:"causes,omitempty"`
}

// maxProblems keeps the core problems of one plan to a handful, as the
// source documents ask ("several core problems"), and the card within limits.
const maxProblems = 5

// Problem returns the core problem numbered no, or nil.
func (p *Plan) Problem(no int) *Problem {
	for i := range p.Problems {
		if p.Problems[i].No == no {
			return &p.Problems[i]
		}
	}
	return nil
}

// Ranked is the plan's core problems by priority, most urgent first.
func (p *Plan) Ranked() []Problem {
	out := slices.Clone(p.Problems)
	slices.SortStableFunc(out, func(a, b Problem) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return a.No - b.No
	})
	return out
}

// GoalsOf lists the goals addressing problem no, in goal order.
func (p *Plan) GoalsOf(no int) []Goal {
	var out []Goal
	for _, g := range p.Goals {
		if g.Problem == no {
			out = append(out, g)
		}
	}
	return out
}

// addProblem appends a problem with the next number, at the lowest priority.
func (p *Plan) addProblem(g Gap) *Problem {
	no := 0
	for _, x := range p.Problems {
		no = max(no, x.No)
	}
	p.Problems = append(p.Problems, Problem{No: no + 1, Priority: len(p.Problems) + 1, Gap: g})
	return &p.Problems[len(p.Problems)-1]
}

// removeProblem drops problem no, its goals' links and closes the ranking's gap.
func (p *Plan) removeProblem(no int) {
	p.Problems = slices.DeleteFunc(p.Problems, func(x Problem) bool { return x.No == no })
	for i := range p.Goals {
		if p.Goals[i].Problem == no {
			p.Goals[i].Problem = 0
		}
	}
	p.rank(0, 0)
}

// rank moves problem no to priority to (1-based) and renumbers the others
// so priorities stay 1..n without gaps; rank(0, 0) only renumbers.
func (p *Plan) rank(no, to int) {
	order := p.Ranked()
	if i := slices.IndexFunc(order, func(x Problem) bool { return x.No == no }); i >= 0 && to > 0 {
		moved := order[i]
		order = slices.Delete(order, i, i+1)
		order = slices.Insert(order, min(to-1, len(order)), moved)
	}
	for i, x := range order {
		p.Problem(x.No).Priority = i + 1
	}
}

// defaultProblem is the problem a goal or cause is linked to when none is
// named: the most urgent one, or 0 when the plan has none yet.
func (p *Plan) defaultProblem() int {
	if r := p.Ranked(); len(r) > 0 {
		return r[0].No
	}
	return 0
}

// problemArg reads an optional problem selector at the start of words:
// "问题2", "问题 2", "problem 2", "problem2". It returns the problem number
// (0 when there is none) and the remaining words. "P2" is not one: metrics
// such as "P99 延迟" start that way.
func problemArg(words []string) (int, []string) {
	if len(words) == 0 {
		return 0, words
	}
	w := strings.ToLower(words[0])
	for _, prefix := range []string{"核心问题", "问题", "problem"} {
		if !strings.HasPrefix(w, prefix) {
			continue
		}
		num := strings.TrimPrefix(strings.TrimPrefix(w, prefix), "#")
		if num == "" && len(words) > 1 {
			if n, err := strconv.Atoi(strings.TrimPrefix(words[1], "#")); err == nil && n > 0 {
				return n, words[2:]
			}
			return 0, words
		}
		if n, err := strconv.Atoi(num); err == nil && n > 0 {
			return n, words[1:]
		}
	}
	return 0, words
}

// problemFor resolves a selector against p: the named problem, which must
// exist, or the default one.
func problemFor(p *Plan, no int) (int, error) {
	if no == 0 {
		return p.defaultProblem(), nil
	}
	if p.Problem(no) == nil {
		return 0, Errorf(EINVALID, "err.no_problem", no)
	}
	return no, nil
}
