package bot

import "context"

// cmdDelete deletes an unsubmitted draft: only its drafter may, and the
// deletion is audited (the plan is kept as "deleted", out of every list).
func (e *Engine) cmdDelete(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, _, err := planArg(args)
	if err != nil {
		return nil, err
	}
	p, err := e.transit(ctx, r, ref, EvDelete, "", nil)
	if err != nil {
		return nil, err
	}
	if g, ok, _ := e.loadGuide(ctx, r); ok && g.Plan == p.Number {
		_ = e.sessions.Delete(ctx, guideKey(r))
	}
	return []Reply{r.text(r.tr("done.deleted", p.Number))}, nil
}

// cmdResume takes up the guided draft of plan N again, at the first step
// it still needs: "继续 12", "resume 12".
func (e *Engine) cmdResume(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, _, err := planArg(args)
	if err != nil {
		return nil, err
	}
	p, _, err := e.planFor(ctx, r, ref, OpEdit)
	if err != nil {
		return nil, err
	}
	if p.Status != StatusDraft {
		return nil, Errorf(ESTATE, "err.not_draft", p.Number)
	}
	step, problem := firstMissingStep(p)
	g := &guide{Plan: p.Number, Step: step, Problem: problem}
	if err := e.saveGuide(ctx, r, g); err != nil {
		return nil, err
	}
	return []Reply{r.reply(e.guidePrompt(r, g, r.tr("guide.resumed", p.Number)))}, nil
}

// firstMissingStep is where a resumed guide starts, and about which core
// problem: the first, by priority, still without causes or goals.
func firstMissingStep(p *Plan) (string, int) {
	if len(p.Problems) == 0 {
		return stepGap, 0
	}
	for _, pr := range p.Ranked() {
		if len(pr.Causes) == 0 {
			return stepCause, pr.No
		}
		if len(p.GoalsOf(pr.No)) == 0 {
			return stepGoal, pr.No
		}
	}
	if len(p.Actions) == 0 {
		return stepAction, 0
	}
	return stepEnd, 0
}

// actDelete is the "delete draft" button, which asks for a confirmation
// in the platform before it is sent.
func (e *Engine) actDelete(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.cmdDelete(ctx, r, []string{in.Args["plan"]})
}
