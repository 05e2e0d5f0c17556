package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// guide is a guided plan creation in progress. The draft itself is saved
// after every step, so nothing typed is lost if the guide is abandoned.
//
// An answer moves the guide on in the transaction of its change to the
// draft, before the commit, so that a worker dying after the commit
// cannot leave the guide a step behind its draft (the event, run again,
// is only replayed). The move names its event and where it left: if the
// commit then fails, or the worker dies before it, the same event run
// again finds its own move and answers from where it left, once more.
type guide struct {
	Plan        int    `json:"plan"`
	Step        string `json:"step"`
	Problem     int    `json:"problem,omitempty"`      // the core problem causes and goals are written for
	Event       string `json:"event,omitempty"`        // the event (Command.EventKey) that moved the guide here
	PrevStep    string `json:"prev,omitempty"`         // the step Event left
	PrevProblem int    `json:"prev_problem,omitempty"` // the problem Event left
}

// Steps of the guided creation, in order.
const (
	stepType   = "type"
	stepGap    = "gap"
	stepCause  = "cause"
	stepGoal   = "goal"
	stepMore   = "more" // another core problem, or on to the actions
	stepAction = "action"
	stepEnd    = "end"
)

// guideTTL keeps an unfinished guide for a week.
const guideTTL = 7 * 24 * time.Hour

// guideKey is the guide of one person in one chat: text in another chat
// never answers it.
func guideKey(r *request) string {
	return r.cmd.Tenant + ":guide:" + r.actor.ID + ":" + r.cmd.Chat.ID
}

func (e *Engine) loadGuide(ctx context.Context, r *request) (*guide, bool, error) {
	raw, ok, err := e.sessions.Get(ctx, guideKey(r))
	if err != nil || !ok {
		if err != nil {
			return nil, false, fmt.Errorf("load guide: %w", err)
		}
		return nil, false, nil
	}
	var g guide
	if err := json.Unmarshal(raw, &g); err != nil {
		_ = e.sessions.Delete(ctx, guideKey(r))
		return nil, false, nil
	}
	if g.Event != "" && g.Event == r.cmd.EventKey {
		// This event moved the guide, but its change did not commit (or it
		// would be replayed): answer from where it left.
		g.Step, g.Problem = g.PrevStep, g.PrevProblem
	}
	return &g, true, nil
}

func (e *Engine) saveGuide(ctx context.Context, r *request, g *guide) error {
	raw, _ := json.Marshal(g)
	if err := e.sessions.Set(ctx, guideKey(r), raw, guideTTL); err != nil {
		return fmt.Errorf("save guide: %w", err)
	}
	return nil
}

// guidePrompt asks for the guide's current step, with examples.
func (e *Engine) guidePrompt(r *request, g *guide, intro string) Message {
	m := Message{Title: r.tr("guide.title", g.Plan), Color: ColorBlue}
	if intro != "" {
		m.Blocks = append(m.Blocks, Text{Body: intro})
	}
	if (g.Step == stepCause || g.Step == stepGoal) && g.Problem > 0 {
		m.Blocks = append(m.Blocks, Context(r.tr("guide.for_problem", g.Problem)))
	}
	m.Blocks = append(m.Blocks, Text{Body: r.tr("guide." + g.Step)})
	answer := func(label, value string) Button {
		return Button{Label: label, Action: ActionRef{ID: "guide.answer", Args: map[string]string{"value": value}}}
	}
	switch g.Step {
	case stepType:
		m.Blocks = append(m.Blocks, Buttons{
			answer(enumText(r.loc, "type", string(TypeUnderPerformer)), string(TypeUnderPerformer)),
			answer(enumText(r.loc, "type", string(TypeHighPotential)), string(TypeHighPotential)),
			answer(enumText(r.loc, "type", string(TypeNewHire)), string(TypeNewHire)),
		})
	case stepCause, stepGoal, stepMore, stepAction:
		m.Blocks = append(m.Blocks, Buttons{answer(r.tr("btn.next_step"), "done")})
	case stepEnd:
		m.Blocks = append(m.Blocks, Buttons{answer(r.tr("btn.keep_default"), "ok")})
	}
	m.Blocks = append(m.Blocks, Context(r.tr("guide.hint", g.Plan)))
	return m
}

// actGuideAnswer is a guide button: the same as typing its value.
func (e *Engine) actGuideAnswer(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	g, ok, err := e.loadGuide(ctx, r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(EINVALID, "err.no_guide")
	}
	return e.guideInput(ctx, r, g, in.Args["value"])
}

// leaveGuide ends the guide and says the draft is kept and how to resume.
func (e *Engine) leaveGuide(ctx context.Context, r *request, g *guide) (Reply, error) {
	if err := e.sessions.Delete(ctx, guideKey(r)); err != nil {
		return Reply{}, fmt.Errorf("end guide: %w", err)
	}
	return r.text(r.tr("guide.stopped", g.Plan)), nil
}

// guideCommand reports whether text, typed during the guide, is a command
// rather than an answer: its first word is exactly a command's verb and not
// one of the guide's own words (done, skip, help).
func guideCommand(text string) bool {
	words := fields(text)
	if len(words) == 0 || strings.Contains(text, "|") {
		return false
	}
	w := strings.ToLower(words[0])
	if len(words) == 1 && isWord(w, cancelWords...) {
		return false // the guide's own way out
	}
	if isWord(w, doneWords...) || isWord(w, skipWords...) || isWord(w, "help", "帮助", "?", "？") {
		return false
	}
	_, ok := verbs[w]
	return ok
}

// guideInput applies one answer to the draft and moves to the next step.
func (e *Engine) guideInput(ctx context.Context, r *request, g *guide, text string) ([]Reply, error) {
	words := fields(text)
	if len(words) == 1 && isWord(words[0], cancelWords...) {
		rep, err := e.leaveGuide(ctx, r, g)
		if err != nil {
			return nil, err
		}
		return []Reply{rep}, nil
	}
	if len(words) == 0 || len(words) == 1 && isWord(words[0], "help", "帮助", "?") {
		return []Reply{r.reply(e.guidePrompt(r, g, ""))}, nil
	}
	p, role, err := e.planFor(ctx, r, itoa(g.Plan), OpEdit)
	if err != nil {
		_ = e.sessions.Delete(ctx, guideKey(r))
		return nil, err
	}
	if p.Status != StatusDraft {
		_ = e.sessions.Delete(ctx, guideKey(r))
		return nil, Errorf(ESTATE, "err.not_draft", p.Number)
	}
	done := len(words) == 1 && isWord(words[0], doneWords...)
	step, cur := g.Step, g.Problem
	next, ack, err := e.applyStep(ctx, r, p, g, words, text, done)
	if err != nil {
		return nil, err
	}
	moved := *g
	moved.Step, moved.Event, moved.PrevStep, moved.PrevProblem = next, r.cmd.EventKey, step, cur
	move := func(Store) error {
		if next == "" || next == step && moved.Problem == cur {
			return nil
		}
		return e.saveGuide(ctx, r, &moved)
	}
	if ack != "" {
		if err := e.save(ctx, r, p, []*AuditEntry{r.audit(p, role, "plan.edit", "", "", g.Step)}, move); err != nil {
			return nil, err
		}
	} else if err := move(nil); err != nil {
		return nil, err
	}
	if next == "" {
		if h := heldOf(ctx); h != nil && h.open {
			// The last answer's change is not committed yet: the guide
			// ends with it, or the answer can be given again.
			key := guideKey(r)
			e.afterCommit(ctx, func(ctx context.Context, replies []Reply) []Reply {
				if err := e.sessions.Delete(ctx, key); err != nil {
					e.log.WarnContext(ctx, "finished guide not removed; it expires", "tenant", r.cmd.Tenant, "err", err)
				}
				return replies
			})
		} else if err := e.sessions.Delete(ctx, guideKey(r)); err != nil {
			return nil, fmt.Errorf("end guide: %w", err)
		}
		return []Reply{r.text(r.tr("guide.finished", p.Number)), r.reply(e.planCard(ctx, p, r.actor.ID, r.isHR))}, nil
	}
	return []Reply{r.reply(e.guidePrompt(r, &moved, ack))}, nil
}

// applyStep changes p for one answer. It returns the next step ("" when the
// guide is finished) and a short acknowledgment of what was recorded; it
// moves g to the core problem the next answers are about.
func (e *Engine) applyStep(ctx context.Context, r *request, p *Plan, g *guide, words []string, text string, done bool) (string, string, error) {
	cur := g.Problem
	if cur == 0 || p.Problem(cur) == nil {
		cur = p.defaultProblem()
	}
	switch g.Step {
	case stepType:
		t, ok := parseType(strings.Join(words, ""))
		if !ok {
			return "", "", Errorf(EINVALID, "err.bad_type", text)
		}
		p.EmployeeType = t
		p.End = p.Start.AddDate(0, 0, t.CycleDays())
		return stepGap, r.tr("guide.ok_type", enumText(r.loc, "type", string(t)), formatDate(r.loc, p.End)), nil
	case stepGap, stepMore:
		if g.Step == stepMore && (done || len(words) == 1 && isWord(words[0], skipWords...)) {
			return stepAction, "", nil
		}
		gap, err := parseGap(words)
		if err != nil && g.Step == stepMore {
			// Not a problem: the first action, typed straight away.
			if _, aerr := parseAction(text, r.now, r.tz); aerr == nil || strings.Contains(text, "|") {
				g.Step = stepAction
				return e.applyStep(ctx, r, p, g, words, text, false)
			}
		}
		if err != nil {
			return "", "", err
		}
		if g.Step == stepGap && cur != 0 {
			p.Problem(cur).Gap = gap // the first problem, typed again
		} else if len(p.Problems) >= maxProblems {
			return "", "", Errorf(EINVALID, "err.too_many_problems", maxProblems)
		} else {
			cur = p.addProblem(gap).No
		}
		g.Problem = cur
		return stepCause, r.tr("guide.ok_gap", cur, gapLine(r.loc, gap)), nil
	case stepCause:
		pr := p.Problem(cur)
		if pr == nil {
			return stepGap, "", nil
		}
		if done {
			if len(pr.Causes) == 0 {
				return "", "", Errorf(EINVALID, "err.need_cause")
			}
			return stepGoal, "", nil
		}
		c, err := parseCause(words)
		if err != nil {
			return "", "", err
		}
		if err := checkRoom("cause_text", "err.too_many_causes", len(pr.Causes), maxCauses); err != nil {
			return "", "", err
		}
		pr.Causes = append(pr.Causes, c)
		return stepCause, r.tr("guide.ok_cause", len(pr.Causes)), nil
	case stepGoal:
		if done {
			if len(p.GoalsOf(cur)) == 0 {
				return "", "", Errorf(EINVALID, "err.need_goal")
			}
			return stepMore, "", nil
		}
		gl, err := parseGoal(words, r.now, r.tz)
		if err != nil {
			return "", "", err
		}
		if err := checkRoom("goal_metric", "err.too_many_goals", len(p.Goals), maxGoals); err != nil {
			return "", "", err
		}
		gl.No, gl.Problem = nextGoalNo(p), cur
		p.Goals = append(p.Goals, gl)
		if gl.Deadline.After(p.End) {
			// The end date is chosen in the last step; until then it
			// follows the goals so no goal ends after the plan.
			p.End = gl.Deadline
			return stepGoal, r.tr("guide.ok_goal_end", gl.No, gl.Metric, formatDate(r.loc, p.End)), nil
		}
		return stepGoal, r.tr("guide.ok_goal", gl.No, gl.Metric), nil
	case stepAction:
		if done {
			if len(p.Actions) == 0 {
				return "", "", Errorf(EINVALID, "err.need_action")
			}
			return stepEnd, r.tr("guide.end_default", formatDate(r.loc, p.End)), nil
		}
		a, err := parseAction(text, r.now, r.tz)
		if err != nil {
			return "", "", err
		}
		if err := e.checkOwner(ctx, p, a); err != nil {
			return "", "", err
		}
		if err := checkRoom("action_what", "err.too_many_actions", len(p.Actions), maxActions); err != nil {
			return "", "", err
		}
		a.No = nextActionNo(p)
		p.Actions = append(p.Actions, a)
		return stepAction, r.tr("guide.ok_action", a.No), nil
	case stepEnd:
		if done || len(words) == 1 && isWord(words[0], skipWords...) {
			return "", "-", nil
		}
		d, err := r.endDate(p, strings.Join(words, " "))
		if err != nil {
			return "", "", err
		}
		p.End = d
		return "", "-", nil
	}
	return "", "", Errorf(EINVALID, "err.no_guide")
}

// endDate checks a new end date: a valid date after the start.
func (r *request) endDate(p *Plan, s string) (time.Time, error) {
	d, ok := parseDeadline(s, r.now, r.tz)
	if !ok {
		return time.Time{}, Errorf(EINVALID, "err.bad_date", s)
	}
	d = DateOnly(d)
	if !d.After(p.Start) || !d.After(DateOnly(r.now.In(r.tz))) {
		return time.Time{}, Errorf(EINVALID, "err.date_past", s)
	}
	for _, g := range p.Goals {
		if g.Deadline.After(d) {
			return time.Time{}, Errorf(EINVALID, "err.end_before_goal", formatDate(r.loc, d), g.No, g.Metric, formatDate(r.loc, g.Deadline))
		}
	}
	return d, nil
}

func nextGoalNo(p *Plan) int {
	n := 0
	for _, g := range p.Goals {
		n = max(n, g.No)
	}
	return n + 1
}

func nextActionNo(p *Plan) int {
	n := 0
	for _, a := range p.Actions {
		n = max(n, a.No)
	}
	return n + 1
}
