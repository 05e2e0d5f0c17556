package bot

import (
	"context"
	"strings"
)

// cmdShow shows one plan: "show 12", "查看 #12".
func (e *Engine) cmdShow(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, _, err := planArg(args)
	if err != nil {
		return nil, err
	}
	return e.show(ctx, r, ref)
}

func (e *Engine) actShow(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.show(ctx, r, in.Args["plan"])
}

// show renders the plan with its latest update, interviews and notes for
// those allowed to read them.
func (e *Engine) show(ctx context.Context, r *request, ref string) ([]Reply, error) {
	p, _, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	card := e.planCard(ctx, p, r.actor.ID, r.isHR)
	extra, err := e.planRecords(ctx, r, p)
	if err != nil {
		return nil, err
	}
	// Keep buttons and footer last.
	n := len(card.Blocks)
	tail := []Block{card.Blocks[n-1]}
	body := card.Blocks[:n-1]
	if b, ok := body[len(body)-1].(Buttons); ok {
		tail = []Block{b, card.Blocks[n-1]}
		body = body[:len(body)-1]
	}
	card.Blocks = append(append(append([]Block{}, body...), extra...), tail...)
	return []Reply{r.reply(card)}, nil
}

// planRecords summarises updates, interviews, reviews, adjustments and
// notes, after the goals' weekly trend charts (trend.go).
func (e *Engine) planRecords(ctx context.Context, r *request, p *Plan) ([]Block, error) {
	var out []Block
	ups, err := e.store.Updates(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, err
	}
	if n := len(ups); n > 0 {
		u := ups[n-1]
		out = append(out, Text{Body: "**" + r.tr("field.last_update") + "** " + r.tr("show.update_line", n, u.Week, formatTime(r.loc, u.At, r.tz)) + "\n" + u.Text})
	}
	ivs, err := e.store.Interviews(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, iv := range ivs {
		if iv.Status == InterviewCancelled {
			continue
		}
		lines = append(lines, r.tr("show.interview_line", iv.No, formatTime(r.loc, iv.At, r.tz), iv.Minutes, enumText(r.loc, "interview", string(iv.Status))))
	}
	if len(lines) > 0 {
		out = append(out, Text{Body: "**" + r.tr("field.interviews") + "**\n" + strings.Join(lines, "\n")})
	}
	revs, err := e.store.Reviews(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, err
	}
	if n := len(revs); n > 0 {
		out = append(out, Text{Body: "**" + r.tr("field.last_review") + "** " + revs[n-1].Month + "\n" + revs[n-1].Assessment})
	}
	adjs, err := e.store.Adjustments(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, err
	}
	lines = nil
	for _, a := range adjs {
		lines = append(lines, e.adjustLine(r, p, a))
	}
	if len(lines) > 0 {
		out = append(out, Text{Body: "**" + r.tr("field.adjustments") + "**\n" + strings.Join(lines, "\n")})
	}
	notes, err := e.store.Notes(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, err
	}
	roles := e.rolesOf(ctx, p, r.actor.ID, r.isHR)
	coaching, voice, tracking := e.noteLines(ctx, r, p, notes, roles)
	if n := len(tracking); n > 0 {
		// The newest few: a long log would not fit a card.
		out = append(out, Text{Body: "**" + r.tr("field.tracking") + "** " + r.tr("show.tracking_count", n) + "\n" + strings.Join(tracking[max(0, n-maxTrackLines):], "\n")})
	}
	if len(voice) > 0 {
		out = append(out, Text{Body: "**" + r.tr("field.voice") + "**\n" + strings.Join(voice, "\n")})
	}
	if len(coaching) > 0 {
		out = append(out, Text{Body: "**" + r.tr("field.notes") + "**\n" + strings.Join(coaching, "\n")})
	}
	// The trend charts come first, after the plan's tables.
	return append(e.trendBlocks(r, p, ups, adjs), out...), nil
}

// noteLines splits the notes a reader may see: coaching notes (mentor,
// manager, HR), the employee's own words (the employee, managers, HR) and
// the tracking log (manager, mentor, HR; never the employee).
func (e *Engine) noteLines(ctx context.Context, r *request, p *Plan, notes []Note, roles []Role) (coaching, voice, tracking []string) {
	_, errCoach := Authorize(roles, OpNote)
	_, errTrack := Authorize(roles, OpTrackRead)
	readsVoice := hasRole(roles, RoleEmployee) || hasRole(roles, RoleManager) || hasRole(roles, RoleSenior) || hasRole(roles, RoleHR)
	for _, n := range notes {
		line := formatTime(r.loc, n.At, r.tz) + " " + e.name(ctx, p.Tenant, n.AuthorID) + ": " + n.Text
		switch {
		case n.Kind == NoteCoaching && errCoach == nil:
			coaching = append(coaching, line)
		case n.Kind == NoteTracking && errTrack == nil:
			tracking = append(tracking, line)
		case (n.Kind == NoteComment || n.Kind == NoteDisagree) && readsVoice:
			voice = append(voice, "["+enumText(r.loc, "note", string(n.Kind))+"] "+line)
		}
	}
	return coaching, voice, tracking
}

// cmdPlans lists the plans the actor is in: as employee, manager or mentor.
func (e *Engine) cmdPlans(ctx context.Context, r *request, _ []string) ([]Reply, error) {
	plans, err := e.store.ListPlans(ctx, r.cmd.Tenant, PlanQuery{InvolvedID: r.actor.ID})
	if err != nil {
		return nil, err
	}
	return []Reply{r.reply(e.planList(ctx, r, r.tr("list.mine"), withoutDeleted(plans), "list.none_mine"))}, nil
}

func (e *Engine) actPlans(ctx context.Context, r *request, _ *ActionInput) ([]Reply, error) {
	return e.cmdPlans(ctx, r, nil)
}

// cmdAll is HR's view of every plan, optionally by status: "all active".
func (e *Engine) cmdAll(ctx context.Context, r *request, args []string) ([]Reply, error) {
	if _, err := e.tenantAuthorize(ctx, r, OpAllPlans); err != nil {
		return nil, err
	}
	q := PlanQuery{}
	for _, a := range args {
		s, ok := parseStatus(a)
		if !ok {
			return nil, Errorf(EINVALID, "err.bad_status", a)
		}
		q.Statuses = append(q.Statuses, s)
	}
	plans, err := e.store.ListPlans(ctx, r.cmd.Tenant, q)
	if err != nil {
		return nil, err
	}
	if len(q.Statuses) == 0 {
		plans = withoutDeleted(plans)
	}
	return []Reply{r.reply(e.planList(ctx, r, r.tr("list.all"), plans, "list.none"))}, nil
}

// parseStatus reads a status in either language.
func parseStatus(w string) (Status, bool) {
	for _, s := range []Status{StatusDraft, StatusSubmitted, StatusApproved, StatusActive, StatusClosed, StatusCancelled, StatusDeleted} {
		if strings.EqualFold(w, string(s)) || w == T(LocaleZH, "status."+string(s)) {
			return s, true
		}
	}
	return "", false
}

// cmdPromotions is HR's promotion-candidate list: employees whose plan
// closed as achieved, an outcome HR confirmed.
func (e *Engine) cmdPromotions(ctx context.Context, r *request, _ []string) ([]Reply, error) {
	if _, err := e.tenantAuthorize(ctx, r, OpPromotions); err != nil {
		return nil, err
	}
	plans, err := e.store.ListPlans(ctx, r.cmd.Tenant, PlanQuery{Statuses: []Status{StatusClosed}, Outcome: OutcomeAchieved})
	if err != nil {
		return nil, err
	}
	m := Message{Title: r.tr("promo.title"), Color: ColorGreen}
	if len(plans) == 0 {
		m.Blocks = append(m.Blocks, Text{Body: r.tr("promo.none")})
	}
	var f Fields
	for _, p := range plans {
		f = append(f, Field{e.name(ctx, p.Tenant, p.EmployeeID), r.tr("promo.line", p.Number, formatDate(r.loc, DateOnly(p.ClosedAt.In(r.tz))), e.name(ctx, p.Tenant, p.ManagerID))})
	}
	if len(f) > 0 {
		m.Blocks = append(m.Blocks, f)
	}
	return []Reply{r.reply(m)}, nil
}

func (e *Engine) actPromotions(ctx context.Context, r *request, _ *ActionInput) ([]Reply, error) {
	return e.cmdPromotions(ctx, r, nil)
}

// planList renders plans as one line each with a button to open it.
func (e *Engine) planList(ctx context.Context, r *request, title string, plans []*Plan, none string) Message {
	m := Message{Title: title}
	if len(plans) == 0 {
		m.Blocks = append(m.Blocks, Text{Body: r.tr(none)}, Buttons{{Label: r.tr("btn.new"), Action: ActionRef{ID: "plan.new"}, Style: StylePrimary}})
		return m
	}
	var lines []string
	var b Buttons
	risks := e.risksOf(ctx, r, plans)
	for _, p := range plans {
		line := r.tr("list.line", p.Number, e.name(ctx, p.Tenant, p.EmployeeID),
			enumText(r.loc, "status", string(p.Status)), formatPercent(p.Progress()), formatDate(r.loc, p.End))
		if k := risks[p.ID]; k.Level == RiskOnTrack {
			line += " · " + k.Label(r.loc)
		} else if k.Level != "" {
			line += " · " + k.Line(r.loc)
		}
		lines = append(lines, line)
		if len(b) < 5 {
			b = append(b, Button{Label: "#" + itoa(p.Number), Action: ActionRef{ID: "plan.show", Args: map[string]string{"plan": itoa(p.Number)}}})
		}
	}
	m.Blocks = append(m.Blocks, Text{Body: strings.Join(lines, "\n")}, b)
	return m
}

// cmdLang sets the actor's language: "lang en", "语言 中文".
func (e *Engine) cmdLang(ctx context.Context, r *request, args []string) ([]Reply, error) {
	if len(args) != 1 {
		return nil, Errorf(EINVALID, "err.lang_format")
	}
	l, ok := ParseLocale(args[0])
	if !ok {
		switch args[0] {
		case "中文", "汉语":
			l, ok = LocaleZH, true
		case "英文", "英语", "english", "English":
			l, ok = LocaleEN, true
		}
	}
	if !ok {
		return nil, Errorf(EINVALID, "err.lang_format")
	}
	r.actor.Locale, r.loc = l, l
	if err := e.store.SavePerson(ctx, r.actor); err != nil {
		return nil, err
	}
	return []Reply{r.text(r.tr("lang.set"))}, nil
}

// withoutDeleted drops deleted drafts from a list.
func withoutDeleted(plans []*Plan) []*Plan {
	out := plans[:0:0]
	for _, p := range plans {
		if p.Status != StatusDeleted {
			out = append(out, p)
		}
	}
	return out
}
