package bot

import (
	"context"
	"strings"
)

// missing lists what a plan still needs before it can be submitted.
func missing(l Locale, p *Plan) []string {
	var m []string
	if len(p.Problems) == 0 {
		m = append(m, T(l, "field.gap"), T(l, "field.causes"))
	}
	for _, pr := range p.Ranked() {
		if len(pr.Causes) == 0 {
			m = append(m, T(l, "missing.causes_of", pr.No, pr.Gap.Metric))
		}
		if len(p.Goals) > 0 && len(p.GoalsOf(pr.No)) == 0 {
			m = append(m, T(l, "missing.goal_of", pr.No, pr.Gap.Metric))
		}
	}
	if len(p.Goals) == 0 {
		m = append(m, T(l, "field.goals"))
	}
	if len(p.Actions) == 0 {
		m = append(m, T(l, "field.actions"))
	}
	return m
}

// cmdSubmit sends a complete draft for approval.
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
	from, role, err := e.move(ctx, r, p, ev)
	if err != nil {
		return nil, err
	}
	if change != nil {
		if err := change(p); err != nil {
			return nil, err
		}
	}
	entry := r.audit(p, role, "plan."+string(ev), string(from), string(p.Status), detail)
	if err := e.save(ctx, r, p, []*AuditEntry{entry}, nil); err != nil {
		return nil, err
	}
	return p, nil
}

// submit routes a complete draft to its approver, decided from the
// directory now: the employee's manager, or the next manager up when that
// manager drafted it, or HR when there is nobody above.
func (e *Engine) submit(ctx context.Context, r *request, ref string) ([]Reply, error) {
	p, err := e.transit(ctx, r, ref, EvSubmit, "", func(p *Plan) error {
		if m := missing(r.loc, p); len(m) > 0 {
			return Errorf(EINVALID, "err.incomplete", p.Number, strings.Join(m, ", "))
		}
		if err := e.route(ctx, r, p); err != nil {
			return err
		}
		p.Reason, p.ApprovedBy, p.HRApprovedBy, p.HRApprovedAt = "", "", "", zeroTime()
		return nil
	})
	if err != nil {
		return nil, err
	}
	replies := e.decided(ctx, r, p, "done.submitted", p.Number, e.approverName(ctx, r.loc, p))
	return append(replies, e.askApproval(ctx, r, p)...), nil
}

// route sets the plan's manager from the directory and picks its approver.
func (e *Engine) route(ctx context.Context, r *request, p *Plan) error {
	mgr := e.directoryManager(ctx, p.Tenant, p.EmployeeID)
	if mgr == "" {
		return Errorf(EINVALID, "err.no_manager", e.name(ctx, p.Tenant, p.EmployeeID), e.names(ctx, r.loc, p.Tenant, e.hrPeople(ctx, p.Tenant)))
	}
	p.ManagerID = mgr
	p.Stage, p.ApproverID = StageManager, mgr
	if mgr == p.CreatedBy {
		// Nobody approves what they drafted: the next one up, else HR.
		p.ApproverID = e.directoryManager(ctx, p.Tenant, mgr)
		if p.ApproverID == "" || p.ApproverID == p.CreatedBy || p.ApproverID == p.EmployeeID {
			p.Stage, p.ApproverID = StageHR, ""
		}
	}
	return nil
}

// approverName is who the submitted plan waits for, for a message.
func (e *Engine) approverName(ctx context.Context, l Locale, p *Plan) string {
	if p.Stage == StageHR || p.ApproverID == "" {
		return T(l, "who.hr")
	}
	return e.name(ctx, p.Tenant, p.ApproverID)
}

// askApproval sends the plan card with its decision buttons to whoever must
// decide it now (at the HR stage: every HR user who may).
func (e *Engine) askApproval(ctx context.Context, r *request, p *Plan) []Reply {
	who := []string{p.ApproverID}
	if p.Stage == StageHR {
		who = nil
		for _, id := range e.hrPeople(ctx, p.Tenant) {
			if id != p.CreatedBy && id != p.ApprovedBy {
				who = append(who, id)
			}
		}
	}
	var out []Reply
	for _, to := range r.others(who...) {
		if p.Stage == StageHR && p.ApprovedBy != "" {
			out = append(out, e.notifyCard(ctx, p, to, "submitted:hr", "notify.forwarded", e.name(ctx, p.Tenant, p.EmployeeID), e.name(ctx, p.Tenant, p.ApprovedBy)))
			continue
		}
		out = append(out, e.notifyCard(ctx, p, to, "submitted:"+string(p.Stage), "notify.submitted", e.name(ctx, p.Tenant, p.EmployeeID), e.name(ctx, p.Tenant, r.actor.ID)))
	}
	return out
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

// approve is the current approver's decision. At the manager stage of a
// tenant that wants HR as well, the plan goes on to HR; otherwise it is
// approved, the employee is asked to acknowledge it and HR is told.
func (e *Engine) approve(ctx context.Context, r *request, ref string) ([]Reply, error) {
	p, _, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	ev := EvApprove
	if p.Status == StatusSubmitted && p.Stage == StageManager && e.policy(p.Tenant).Approval == ApproveManagerHR {
		ev = EvForward
	}
	p, err = e.transit(ctx, r, ref, ev, string(p.Stage), func(p *Plan) error {
		switch p.Stage {
		case StageManager:
			p.ApprovedBy = r.actor.ID
		case StageHR:
			p.HRApprovedBy, p.HRApprovedAt = r.actor.ID, r.now
		}
		if ev == EvForward {
			p.Stage, p.ApproverID = StageHR, ""
			return nil
		}
		p.ApprovedAt, p.Reason = r.now, ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	if ev == EvForward {
		replies := e.decided(ctx, r, p, "done.forwarded", p.Number)
		return append(replies, e.askApproval(ctx, r, p)...), nil
	}
	replies := e.decided(ctx, r, p, "done.approved", p.Number, e.name(ctx, p.Tenant, p.EmployeeID))
	if p.EmployeeID != r.actor.ID {
		rep := e.notifyCard(ctx, p, p.EmployeeID, "approved", "notify.approved", e.name(ctx, p.Tenant, r.actor.ID))
		tone := Text{Body: T(e.localeOf(ctx, p.Tenant, p.EmployeeID), "tone."+string(p.EmployeeType))}
		rep.Message.Blocks = append([]Block{rep.Message.Blocks[0], tone}, rep.Message.Blocks[1:]...)
		replies = append(replies, rep)
	}
	for _, to := range r.others(p.ManagerID, p.CreatedBy) {
		if to != p.EmployeeID { // who has the card to acknowledge already
			replies = append(replies, e.notify(ctx, p, to, "approved", "notify.approved_other", p.Number, e.name(ctx, p.Tenant, r.actor.ID)))
		}
	}
	return append(replies, e.tellHR(ctx, r, p, "approved:hr", "notify.approved_hr", p.Number, e.name(ctx, p.Tenant, p.EmployeeID), e.name(ctx, p.Tenant, r.actor.ID))...), nil
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
		if _, _, err := e.move(ctx, r, p, ev); err != nil {
			return nil, err
		}
		return []Reply{r.reply(Message{Blocks: []Block{reasonForm(r, p.Number, id, in.Args)}})}, nil
	}
	return e.sendBack(ctx, r, in.Args["plan"], ev, in.Values["reason"])
}

// reasonForm asks for a written reason before an action id runs.
func reasonForm(r *request, number int, id string, args map[string]string) Form {
	return Form{Title: r.tr("form.reason_title", number), Action: ActionRef{ID: id, Args: args},
		Inputs: []Input{{Name: "reason", Label: r.tr("form.reason"), Kind: InputTextArea, Required: true}},
		Submit: r.tr("btn.send")}
}

func (e *Engine) sendBack(ctx context.Context, r *request, ref string, ev Event, reason string) ([]Reply, error) {
	reason, err := r.reasonText("reason", reason)
	if err != nil {
		return nil, err
	}
	p, err := e.transit(ctx, r, ref, ev, reason, func(p *Plan) error {
		p.Reason, p.Stage, p.ApproverID = reason, "", ""
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

// reasonText checks a required written reason: present, within its limit.
func (r *request) reasonText(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", &Error{Code: EINVALID, Key: "err.reason_required", Fields: []FieldError{{Name: field, Key: "err.required"}}}
	}
	if err := checkLength(field, s, maxReason); err != nil {
		return "", err
	}
	return s, nil
}
