package bot

import (
	"context"
	"strings"
)

// cmdMentor assigns a mentor: "mentor 12 @李导师", "导师 12 @李导师".
func (e *Engine) cmdMentor(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) != 1 || mentionID(rest[0]) == "" {
		return nil, Errorf(EINVALID, "err.mentor_format")
	}
	mentor := mentionID(rest[0])
	p, role, err := e.planFor(ctx, r, ref, OpMentor)
	if err != nil {
		return nil, err
	}
	if _, err := e.lookup(ctx, p.Tenant, mentor); err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, Errorf(ESTATE, "err.closed", p.Number)
	}
	if mentor == p.EmployeeID {
		return nil, Errorf(EINVALID, "err.mentor_self")
	}
	old := p.MentorID
	p.MentorID = mentor
	if err := e.save(ctx, r, p, []*AuditEntry{r.audit(p, role, "plan.mentor", old, mentor, "")}, nil); err != nil {
		return nil, err
	}
	replies := []Reply{r.text(r.tr("done.mentor", e.name(ctx, p.Tenant, mentor), p.Number))}
	for _, to := range r.others(mentor, p.EmployeeID) {
		replies = append(replies, e.notify(ctx, p, to, "mentor:"+mentor, "notify.mentor", e.name(ctx, p.Tenant, mentor), e.name(ctx, p.Tenant, p.EmployeeID)))
	}
	return replies, nil
}

// cmdNote records a coaching note: "note 12 讨论了客户跟进方法".
func (e *Engine) cmdNote(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(strings.Join(rest, " "))
	if text == "" {
		return nil, Errorf(EINVALID, "err.note_empty")
	}
	if err := checkLength("text", text, maxText); err != nil {
		return nil, err
	}
	p, role, err := e.planFor(ctx, r, ref, OpNote)
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, Errorf(ESTATE, "err.closed", p.Number)
	}
	n := &Note{Tenant: p.Tenant, PlanID: p.ID, AuthorID: r.actor.ID, Text: text, At: r.now}
	if err := e.addNote(ctx, r, p, n, r.audit(p, role, "plan.note", "", "", "")); err != nil {
		return nil, err
	}
	return []Reply{r.text(r.tr("done.note", p.Number))}, nil
}
