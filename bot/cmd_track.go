package bot

import (
	"context"
	"strings"
)

// maxTrackLines is how many of the newest tracking notes the plan card shows.
const maxTrackLines = 3

// cmdTrack records a tracking note of the manager's log (绩效改进跟踪日志),
// weekly or every two weeks: "跟踪 12 本周完成3次客户模拟沟通", "track 12 …".
// With no text it opens the form. Only the plan's manager and mentor write
// them; the manager, mentor and HR read them, never the employee.
func (e *Engine) cmdTrack(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	p, role, err := e.trackPlan(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return []Reply{r.reply(Message{Blocks: []Block{e.trackForm(ctx, r, p)}})}, nil
	}
	return e.addTrackNote(ctx, r, p, role, strings.Join(rest, " "))
}

// actTrack opens the tracking form (button) or takes its submission.
func (e *Engine) actTrack(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	p, role, err := e.trackPlan(ctx, r, in.Args["plan"])
	if err != nil {
		return nil, err
	}
	if in.Values == nil {
		return []Reply{r.reply(Message{Blocks: []Block{e.trackForm(ctx, r, p)}})}, nil
	}
	return e.addTrackNote(ctx, r, p, role, in.Values["text"])
}

// trackPlan loads a running plan the actor may write tracking notes on.
func (e *Engine) trackPlan(ctx context.Context, r *request, ref string) (*Plan, Role, error) {
	p, role, err := e.planFor(ctx, r, ref, OpTrack)
	if err != nil {
		return nil, "", err
	}
	if !p.Tracking() {
		return nil, "", Errorf(ESTATE, "err.not_running", p.Number, enumText(r.loc, "status", string(p.Status)))
	}
	return p, role, nil
}

// trackForm asks for one tracking note.
func (e *Engine) trackForm(ctx context.Context, r *request, p *Plan) Form {
	return Form{Title: r.tr("track.form_title", p.Number, e.name(ctx, p.Tenant, p.EmployeeID)),
		Action: ActionRef{ID: "plan.track", Args: map[string]string{"plan": itoa(p.Number)}}, Submit: r.tr("btn.send"),
		Inputs: []Input{{Name: "text", Label: r.tr("track.text"), Kind: InputTextArea, Required: true, Placeholder: r.tr("track.ph_text")}}}
}

// addTrackNote stores the note with its author and time, and audits it,
// in one transaction; the audit entry holds no text.
func (e *Engine) addTrackNote(ctx context.Context, r *request, p *Plan, role Role, text string) ([]Reply, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, fieldErr("text", "err.track_empty")
	}
	if err := checkLength("text", text, maxText); err != nil {
		return nil, err
	}
	n := &Note{Tenant: p.Tenant, PlanID: p.ID, AuthorID: r.actor.ID, Kind: NoteTracking, Text: text, At: r.now}
	if err := e.addNote(ctx, r, p, n, r.audit(p, role, "plan.track", "", "", "")); err != nil {
		return nil, err
	}
	e.planChanged(ctx, p.Tenant, p.ID) // the next tracking reminder moves on
	return []Reply{r.text(r.tr("done.track", p.Number))}, nil
}

// addNote stores a note and its audit entry, which holds no text, in one
// transaction.
func (e *Engine) addNote(ctx context.Context, r *request, p *Plan, n *Note, entry *AuditEntry) error {
	return e.commit(ctx, r, func(tx Store) error {
		if err := tx.AddNote(ctx, n); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, entry)
	})
}
