package bot

import (
	"context"
	"strings"
)

// HR's decision on a proposed outcome. Only a confirmed outcome is final:
// the plan closes, is cancelled or starts a new cycle, and only a final
// "achieved" puts the employee on the promotion list.

func (e *Engine) actOutcomeConfirm(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, err := e.planFor(ctx, r, in.Args["plan"], OpOutcomeHR)
		if err != nil {
			return nil, err
		}
		if p.Pending == nil {
			return nil, Errorf(ESTATE, "err.no_outcome", p.Number)
		}
		if p.Pending.BelowTarget {
			f := reasonForm(r, p.Number, "outcome.confirm", in.Args)
			f.Title = r.tr("outcome.reason_title", p.Number)
			return []Reply{r.reply(Message{Blocks: []Block{Text{Body: r.tr("outcome.below_note")}, f}})}, nil
		}
	}
	return e.confirmOutcome(ctx, r, in.Args["plan"], in.Values["reason"])
}

func (e *Engine) actOutcomeReject(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, err := e.planFor(ctx, r, in.Args["plan"], OpOutcomeHR)
		if err != nil {
			return nil, err
		}
		return []Reply{r.reply(Message{Blocks: []Block{reasonForm(r, p.Number, "outcome.reject", in.Args)}})}, nil
	}
	return e.rejectOutcome(ctx, r, in.Args["plan"], in.Values["reason"])
}

// pendingFor loads plan ref with a pending outcome for HR to decide.
func (e *Engine) pendingFor(ctx context.Context, r *request, ref string) (*Plan, error) {
	p, _, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	if p.Pending == nil {
		return nil, Errorf(ESTATE, "err.no_outcome", p.Number)
	}
	if _, err := Authorize(e.rolesOf(ctx, p, r.actor.ID, r.isHR), OpOutcomeHR); err != nil {
		if r.isHR {
			return nil, Errorf(EFORBIDDEN, "err.own_proposal", p.Number)
		}
		return nil, e.refusal(ctx, r, p, OpOutcomeHR)
	}
	return p, nil
}

// confirmOutcome makes a proposed outcome final.
func (e *Engine) confirmOutcome(ctx context.Context, r *request, ref, reason string) ([]Reply, error) {
	reason = strings.TrimSpace(reason)
	if err := checkLength("reason", reason, maxReason); err != nil {
		return nil, err
	}
	p, err := e.pendingFor(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	pr := p.Pending
	if pr.BelowTarget && reason == "" {
		return nil, &Error{Code: EINVALID, Key: "err.outcome_reason", Args: []any{p.Number},
			Fields: []FieldError{{Name: "reason", Key: "err.required"}}}
	}
	ev, _ := outcomeEvent(pr.Outcome)
	from, role, err := e.move(ctx, r, p, ev)
	if err != nil {
		return nil, err
	}
	entries := []*AuditEntry{r.audit(p, role, "outcome.confirm", "", string(pr.Outcome), reason)}
	final := &Review{Tenant: p.Tenant, PlanID: p.ID, Month: "final-" + itoa(p.Cycle), ReviewerID: pr.ProposedBy,
		Goals: goalResults(p), Assessment: enumText(LocaleEN, "outcome", string(pr.Outcome)), NextSteps: pr.Lessons, At: r.now}
	switch pr.Outcome {
	case OutcomeExtended:
		oldEnd := p.End
		p.Cycle++
		p.Start, p.End = DateOnly(r.now.In(r.tz)), pr.NewEnd
		entries = append(entries, r.audit(p, role, "plan.extend", string(from)+" "+dateKey(oldEnd), string(p.Status)+" "+dateKey(p.End), pr.Lessons))
	case OutcomeCancelled:
		p.Outcome, p.Reason, p.ClosedAt = pr.Outcome, pr.Lessons, r.now
		entries = append(entries, r.audit(p, role, "plan.cancel", string(from), string(p.Status), pr.Lessons))
		final = nil
	default:
		p.Outcome, p.Lessons, p.ClosedAt = pr.Outcome, pr.Lessons, r.now
		entries = append(entries, r.audit(p, role, "plan.close", string(from), string(p.Status), string(pr.Outcome)))
	}
	p.Pending = nil
	err = e.save(ctx, r, p, entries, func(tx Store) error {
		if final == nil {
			return nil
		}
		return tx.AddReview(ctx, final)
	})
	if err != nil {
		return nil, err
	}
	return e.outcomeFinal(ctx, r, p, pr), nil
}

// outcomeFinal tells everyone a confirmed outcome concerns.
func (e *Engine) outcomeFinal(ctx context.Context, r *request, p *Plan, pr *OutcomeProposal) []Reply {
	o := pr.Outcome
	replies := e.decided(ctx, r, p, "done.outcome_final", p.Number, enumText(r.loc, "outcome", string(o)))
	kind := "final:" + string(o) + ":" + itoa(p.Cycle)
	for _, to := range r.others(p.EmployeeID, p.ManagerID, p.MentorID, pr.ProposedBy) {
		l := e.localeOf(ctx, p.Tenant, to)
		switch o {
		case OutcomeExtended:
			replies = append(replies, e.notify(ctx, p, to, kind, "notify.extended", formatDate(l, p.End)))
		case OutcomeCancelled:
			replies = append(replies, e.notify(ctx, p, to, kind, "notify.cancelled", e.name(ctx, p.Tenant, pr.ProposedBy), pr.Lessons))
		default:
			replies = append(replies, e.notify(ctx, p, to, kind, "notify.closed", enumText(l, "outcome", string(o))))
		}
	}
	for _, to := range r.others(e.hrPeople(ctx, p.Tenant)...) {
		if o == OutcomeAchieved {
			replies = append(replies, e.notify(ctx, p, to, kind+":hr", "notify.promotion", e.name(ctx, p.Tenant, p.EmployeeID)))
			continue
		}
		replies = append(replies, e.notify(ctx, p, to, kind+":hr", "notify.closed_hr", e.name(ctx, p.Tenant, p.EmployeeID), p.Number, enumText(e.localeOf(ctx, p.Tenant, to), "outcome", string(o))))
	}
	return replies
}

// rejectOutcome turns a proposal down; the plan runs on.
func (e *Engine) rejectOutcome(ctx context.Context, r *request, ref, reason string) ([]Reply, error) {
	reason, err := r.reasonText("reason", reason)
	if err != nil {
		return nil, err
	}
	p, err := e.pendingFor(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	pr := p.Pending
	p.Pending = nil
	entry := r.audit(p, RoleDecider, "outcome.reject", string(pr.Outcome), "", reason)
	if err := e.save(ctx, r, p, []*AuditEntry{entry}, nil); err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done.outcome_rejected", p.Number)
	for _, to := range r.others(pr.ProposedBy, p.ManagerID) {
		replies = append(replies, e.notify(ctx, p, to, "outcome:"+string(pr.Outcome)+":rejected:"+itoa(int(r.now.Unix())), "notify.outcome_rejected", e.name(ctx, p.Tenant, r.actor.ID), enumText(e.localeOf(ctx, p.Tenant, to), "outcome", string(pr.Outcome)), reason))
	}
	return replies, nil
}
