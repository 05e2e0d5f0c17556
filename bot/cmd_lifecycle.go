package bot

import (
	"context"
	"strings"
)

// missing lists what a plan still needs before it can be submitted.
func missing(l Locale, p *Plan) []string {
	var m []string
	if p.Gap.Metric == "" {
		m = append(m, T(l, "field.gap"))
	}
	if len(p.Causes) == 0 {
		m = append(m, T(l, "field.causes"))
	}
	if len(p.Goals) == 0 {
		m = append(m, T(l, "field.goals"))
	}
	if len(p.Actions) == 0 {
		m = append(m, T(l, "field.actions"))
	}
	return m
}

// cmdSubmit sends a complete draft to the manager for approval.
func (e *Engine) cmdSubmit(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, _, err := planArg(args)
	if err != nil {
		return nil, err
	}
	return e.submit(ctx, r, ref)
}

func (e *Engine) actSubmit(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.submit(ctx, r, in.Args["plan"])
}

// transit loads plan ref, applies lifecycle event ev for the actor, lets
// change adjust the plan, and saves it with an audit entry, all or nothing.
func (e *Engine) transit(ctx context.Context, r *request, ref string, ev Event, detail string, change func(p *Plan) error) (*Plan, error) {
	p, _, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	from, role, err := e.move(r, p, ev)
	if err != nil {
		return nil, err
	}
	if change != nil {
		if err := change(p); err != nil {
			return nil, err
		}
	}
	entry := r.audit(p, role, "plan."+string(ev), string(from), string(p.Status), detail)
	if err := e.save(ctx, p, []*AuditEntry{entry}, nil); err != nil {
		return nil, err
	}
	return p, nil
}

func (e *Engine) submit(ctx context.Context, r *request, ref string) ([]Reply, error) {
	p, err := e.transit(ctx, r, ref, EvSubmit, "", func(p *Plan) error {
		if m := missing(r.loc, p); len(m) > 0 {
			return Errorf(EINVALID, "err.incomplete", p.Number, strings.Join(m, ", "))
		}
		p.Reason = ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done.submitted", p.Number, e.name(ctx, p.Tenant, p.ManagerID))
	if p.ManagerID != r.actor.ID {
		replies = append(replies, e.notifyCard(ctx, p, p.ManagerID, "submitted", "notify.submitted", e.name(ctx, p.Tenant, r.actor.ID)))
	}
	return replies, nil
}

// cmdApprove approves a submitted plan; the employee is asked to acknowledge it.
func (e *Engine) cmdApprove(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, _, err := planArg(args)
	if err != nil {
		return nil, err
	}
	return e.approve(ctx, r, ref)
}

func (e *Engine) actApprove(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.approve(ctx, r, in.Args["plan"])
}

func (e *Engine) approve(ctx context.Context, r *request, ref string) ([]Reply, error) {
	p, err := e.transit(ctx, r, ref, EvApprove, "", func(p *Plan) error {
		p.ApprovedAt, p.Reason = r.now, ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done.approved", p.Number, e.name(ctx, p.Tenant, p.EmployeeID))
	if p.EmployeeID != r.actor.ID {
		rep := e.notifyCard(ctx, p, p.EmployeeID, "approved", "notify.approved", e.name(ctx, p.Tenant, r.actor.ID))
		tone := Text{Body: T(e.localeOf(ctx, p.Tenant, p.EmployeeID), "tone."+string(p.EmployeeType))}
		rep.Message.Blocks = append([]Block{rep.Message.Blocks[0], tone}, rep.Message.Blocks[1:]...)
		replies = append(replies, rep)
	}
	return replies, nil
}

// cmdChanges sends a submitted plan back to draft with what to change.
func (e *Engine) cmdChanges(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	return e.sendBack(ctx, r, ref, EvRequestChange, strings.Join(rest, " "))
}

// cmdReject rejects a submitted plan with a reason; it goes back to draft.
func (e *Engine) cmdReject(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	return e.sendBack(ctx, r, ref, EvReject, strings.Join(rest, " "))
}

func (e *Engine) actChanges(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.sendBackAction(ctx, r, in, EvRequestChange, "plan.changes")
}

func (e *Engine) actReject(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.sendBackAction(ctx, r, in, EvReject, "plan.reject")
}

// sendBackAction asks for the reason with a form when the button is clicked,
// and applies it when the form comes back.
func (e *Engine) sendBackAction(ctx context.Context, r *request, in *ActionInput, ev Event, id string) ([]Reply, error) {
	if in.Values == nil {
		p, _, err := e.planFor(ctx, r, in.Args["plan"], OpView)
		if err != nil {
			return nil, err
		}
		if _, _, err := e.move(r, &Plan{Status: p.Status, EmployeeID: p.EmployeeID, ManagerID: p.ManagerID, MentorID: p.MentorID}, ev); err != nil {
			return nil, err
		}
		form := Form{Title: r.tr("form.reason_title", p.Number), Action: ActionRef{ID: id, Args: in.Args},
			Inputs: []Input{{Name: "reason", Label: r.tr("form.reason"), Kind: InputTextArea, Required: true}},
			Submit: r.tr("btn.send")}
		return []Reply{r.reply(Message{Blocks: []Block{form}}, true)}, nil
	}
	return e.sendBack(ctx, r, in.Args["plan"], ev, in.Values["reason"])
}

func (e *Engine) sendBack(ctx context.Context, r *request, ref string, ev Event, reason string) ([]Reply, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, &Error{Code: EINVALID, Key: "err.reason_required", Fields: []FieldError{{Name: "reason", Key: "err.required"}}}
	}
	p, err := e.transit(ctx, r, ref, ev, reason, func(p *Plan) error {
		p.Reason = reason
		return nil
	})
	if err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done."+string(ev), p.Number)
	for _, to := range r.others(p.EmployeeID, p.CreatedBy) {
		replies = append(replies, e.notifyCard(ctx, p, to, string(ev), "notify."+string(ev), e.name(ctx, p.Tenant, r.actor.ID), reason))
	}
	return replies, nil
}

// cmdAck is the employee's acknowledgment of an approved plan; it starts it.
func (e *Engine) cmdAck(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, _, err := planArg(args)
	if err != nil {
		return nil, err
	}
	return e.ack(ctx, r, ref)
}

func (e *Engine) actAck(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.ack(ctx, r, in.Args["plan"])
}

func (e *Engine) ack(ctx context.Context, r *request, ref string) ([]Reply, error) {
	p, err := e.transit(ctx, r, ref, EvAcknowledge, "", func(p *Plan) error {
		p.AckedAt = r.now
		if p.StartedAt.IsZero() {
			p.StartedAt = r.now
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done.acknowledged", p.Number, formatDate(r.loc, p.End))
	for _, to := range r.others(p.ManagerID, p.MentorID) {
		replies = append(replies, e.notify(ctx, p, to, "acknowledged", "notify.acknowledged", e.name(ctx, p.Tenant, p.EmployeeID)))
	}
	return replies, nil
}

// cmdCancel withdraws an open plan with a reason: "cancel 12 岗位调整".
func (e *Engine) cmdCancel(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(strings.Join(rest, " "))
	if reason == "" {
		return nil, Errorf(EINVALID, "err.reason_required")
	}
	p, err := e.transit(ctx, r, ref, EvCancel, reason, func(p *Plan) error {
		p.Reason, p.ClosedAt = reason, r.now
		return nil
	})
	if err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done.cancelled", p.Number)
	for _, to := range r.others(p.EmployeeID, p.ManagerID, p.MentorID) {
		replies = append(replies, e.notify(ctx, p, to, "cancelled", "notify.cancelled", e.name(ctx, p.Tenant, r.actor.ID), reason))
	}
	return replies, nil
}
