package bot

import (
	"context"
	"strings"
)

// The employee's voice: acknowledging a plan can carry a comment, and the
// employee can record disagreement, which HR hears of and which stays on
// the plan for anyone who later reads it (HR, the managers, a tribunal).

// disagreeWords start a disagreement after "ack 12".
var disagreeWords = []string{"disagree", "objection", "有异议", "异议", "不同意"}

// cmdAck is the employee's acknowledgment of an approved plan, which starts
// it: "确认 12", "确认 12 会按计划执行", "确认 12 有异议 目标过高".
func (e *Engine) cmdAck(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	kind, text := NoteComment, strings.Join(rest, " ")
	if len(rest) > 0 && isWord(rest[0], disagreeWords...) {
		kind, text = NoteDisagree, strings.Join(rest[1:], " ")
		if strings.TrimSpace(text) == "" {
			return nil, Errorf(EINVALID, "err.disagree_reason")
		}
	}
	return e.ack(ctx, r, ref, kind, text)
}

// actAck is the acknowledge button (no comment), and the disagreement
// button: a form for the reason, then the acknowledgment with it.
func (e *Engine) actAck(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Args["disagree"] != "1" {
		return e.ack(ctx, r, in.Args["plan"], NoteComment, in.Values["comment"])
	}
	if in.Values == nil {
		p, _, err := e.planFor(ctx, r, in.Args["plan"], OpAcknowledge)
		if err != nil {
			return nil, err
		}
		f := Form{Title: r.tr("ack.disagree_title", p.Number), Action: ActionRef{ID: "plan.ack", Args: in.Args}, Submit: r.tr("btn.send"),
			Inputs: []Input{{Name: "reason", Label: r.tr("ack.disagree_reason"), Kind: InputTextArea, Required: true}}}
		return []Reply{r.reply(Message{Blocks: []Block{f}})}, nil
	}
	reason, err := r.reasonText("reason", in.Values["reason"])
	if err != nil {
		return nil, err
	}
	return e.ack(ctx, r, in.Args["plan"], NoteDisagree, reason)
}

// ack starts the plan and keeps what the employee said with it.
func (e *Engine) ack(ctx context.Context, r *request, ref string, kind NoteKind, text string) ([]Reply, error) {
	text = strings.TrimSpace(text)
	if err := checkLength("comment", text, maxReason); err != nil {
		return nil, err
	}
	p, _, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	from, role, err := e.move(ctx, r, p, EvAcknowledge)
	if err != nil {
		return nil, err
	}
	p.AckedAt = r.now
	if p.StartedAt.IsZero() {
		p.StartedAt = r.now
	}
	detail := ""
	var note *Note
	if text != "" {
		detail = string(kind)
		note = &Note{Tenant: p.Tenant, PlanID: p.ID, AuthorID: r.actor.ID, Kind: kind, Text: text, At: r.now}
	}
	entry := r.audit(p, role, "plan.acknowledge", string(from), string(p.Status), detail)
	err = e.save(ctx, r, p, []*AuditEntry{entry}, func(tx Store) error {
		if note == nil {
			return nil
		}
		return tx.AddNote(ctx, note)
	})
	if err != nil {
		return nil, err
	}
	key := "done.acknowledged"
	if kind == NoteDisagree && note != nil {
		key = "done.acknowledged_disagree"
	}
	replies := e.decided(ctx, r, p, key, p.Number, formatDate(r.loc, p.End))
	for _, to := range r.others(p.ManagerID, p.MentorID) {
		replies = append(replies, e.notify(ctx, p, to, "acknowledged", "notify.acknowledged", e.name(ctx, p.Tenant, p.EmployeeID)))
	}
	if kind == NoteDisagree && note != nil {
		replies = append(replies, e.tellHR(ctx, r, p, "disagree:"+itoa(int(r.now.Unix())), "notify.disagree", e.name(ctx, p.Tenant, p.EmployeeID), p.Number, text)...)
		if p.ManagerID != r.actor.ID {
			replies = append(replies, e.notify(ctx, p, p.ManagerID, "disagree:"+itoa(int(r.now.Unix())), "notify.disagree", e.name(ctx, p.Tenant, p.EmployeeID), p.Number, text))
		}
	}
	return replies, nil
}
