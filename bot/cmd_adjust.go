package bot

import (
	"context"
	"math"
	"strconv"
	"strings"
)

// cmdAdjust proposes or decides a target adjustment:
//
//	adjust 12 1 45万 市场萎缩            调整 12 1 45万 市场萎缩    (propose goal 1 → 450,000)
//	adjust 12 confirm 1 [override 理由]  调整 12 确认 1 [特批 理由]
//	adjust 12 reject 1 理由              调整 12 驳回 1 理由
func (e *Engine) cmdAdjust(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) >= 2 && isWord(rest[0], "confirm", "确认", "同意") {
		override := ""
		if len(rest) > 2 {
			if !isWord(rest[2], "override", "特批") || len(rest) < 4 {
				return nil, Errorf(EINVALID, "err.adjust_format")
			}
			override = strings.Join(rest[3:], " ")
		}
		return e.confirmAdjust(ctx, r, ref, rest[1], override)
	}
	if len(rest) >= 2 && isWord(rest[0], "reject", "驳回", "拒绝") {
		return e.rejectAdjust(ctx, r, ref, rest[1], strings.Join(rest[2:], " "))
	}
	if len(rest) < 3 {
		return nil, Errorf(EINVALID, "err.adjust_format")
	}
	k, err := strconv.Atoi(strings.TrimPrefix(rest[0], "#"))
	if err != nil {
		return nil, Errorf(EINVALID, "err.adjust_format")
	}
	to, _, ok := ParseNumber(rest[1])
	if !ok {
		return nil, Errorf(EINVALID, "err.bad_number", rest[1])
	}
	return e.proposeAdjust(ctx, r, ref, k, to, strings.Join(rest[2:], " "))
}

// quarterChange is how far goal k's target would move this quarter in total
// if it became to: from its target before the first adjustment applied this
// quarter. Two adjustments inside the band each can be over it together.
func quarterChange(p *Plan, adjs []Adjustment, k int, quarter string, to float64) float64 {
	base := p.Goal(k).Target
	for _, a := range adjs {
		if a.Goal == k && a.Quarter == quarter && a.Status == AdjustApplied {
			base = a.From
			break
		}
	}
	if base == 0 {
		return math.Inf(1)
	}
	return math.Abs(to-base) / math.Abs(base)
}

func (e *Engine) proposeAdjust(ctx context.Context, r *request, ref string, k int, to float64, reason string) ([]Reply, error) {
	reason, err := r.reasonText("reason", reason)
	if err != nil {
		return nil, err
	}
	p, role, err := e.planFor(ctx, r, ref, OpAdjustPropose)
	if err != nil {
		return nil, err
	}
	if !p.Tracking() {
		return nil, Errorf(ESTATE, "err.not_running", p.Number, enumText(r.loc, "status", string(p.Status)))
	}
	g := p.Goal(k)
	if g == nil {
		return nil, Errorf(EINVALID, "err.no_item", itoa(k))
	}
	if to == g.Target {
		return nil, Errorf(EINVALID, "err.adjust_same")
	}
	if err := checkRange(g, to); err != nil {
		return nil, err
	}
	adjs, err := e.store.Adjustments(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range adjs {
		if a.Goal == k && a.Status == AdjustPending {
			return nil, Errorf(ESTATE, "err.adjust_pending", a.No, g.Metric)
		}
	}
	a := &Adjustment{Tenant: p.Tenant, PlanID: p.ID, Goal: k, From: g.Target, To: to, Reason: reason,
		ProposedBy: r.actor.ID, ProposedAt: r.now, Status: AdjustPending, Quarter: QuarterKey(r.now, r.tz)}
	over := quarterChange(p, adjs, k, a.Quarter, to) > AdjustBand
	if over && !e.policy(p.Tenant).AdjustOverride {
		return nil, Errorf(EINVALID, "err.adjust_band", formatPercent(AdjustBand*100), formatPercent(quarterChange(p, adjs, k, a.Quarter, to)*100))
	}
	switch role {
	case RoleManager:
		a.ManagerBy, a.ManagerAt = r.actor.ID, r.now
	case RoleHR:
		if !over {
			a.HRBy, a.HRAt = r.actor.ID, r.now // past the band HR confirms separately, with a written reason
		}
	}
	err = e.commit(ctx, r, func(tx Store) error {
		if err := tx.SaveAdjustment(ctx, a); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, r.audit(p, role, "adjust.propose", ftoa(a.From), ftoa(a.To), "#"+itoa(a.No)+" "+reason))
	})
	if err != nil {
		return nil, err
	}
	key := "adj.proposed"
	if over {
		key = "adj.proposed_over"
	}
	replies := []Reply{r.text(r.tr(key, a.No, g.Metric, withUnit(r.loc, a.From, g.Unit), withUnit(r.loc, a.To, g.Unit), formatPercent(AdjustBand*100)))}
	var deciders []string
	if a.ManagerAt.IsZero() {
		deciders = append(deciders, p.ManagerID)
	}
	if a.HRAt.IsZero() {
		deciders = append(deciders, e.hrPeople(ctx, p.Tenant)...)
	}
	for _, to := range r.others(deciders...) {
		replies = append(replies, e.adjustRequest(ctx, p, a, to, over))
	}
	return replies, nil
}

// adjustRequest asks a manager or HR to confirm an adjustment.
func (e *Engine) adjustRequest(ctx context.Context, p *Plan, a *Adjustment, to string, over bool) Reply {
	l, _ := e.prefs(e.person(ctx, p.Tenant, to))
	g := p.Goal(a.Goal)
	args := map[string]string{"plan": itoa(p.Number), "adj": itoa(a.No)}
	m := Message{Title: T(l, "adj.title", p.Number, a.No), Color: ColorOrange, Blocks: []Block{
		Fields{
			{T(l, "field.goal"), g.Metric},
			{T(l, "adj.change"), withUnit(l, a.From, g.Unit) + " → " + withUnit(l, a.To, g.Unit)},
			{T(l, "field.reason"), a.Reason},
			{T(l, "adj.proposer"), e.name(ctx, p.Tenant, a.ProposedBy)},
		},
	}}
	if over {
		m.Blocks = append(m.Blocks, Text{Body: T(l, "adj.over_note", formatPercent(AdjustBand*100))})
	}
	m.Blocks = append(m.Blocks, Buttons{
		{Label: T(l, "btn.confirm"), Style: StylePrimary, Action: ActionRef{ID: "adjust.confirm", Args: args}},
		{Label: T(l, "btn.reject"), Style: StyleDanger, Action: ActionRef{ID: "adjust.reject", Args: args}},
	})
	return Reply{To: to, Private: true, Key: notifyKey(p, "adjust:"+itoa(a.No), to), Message: m}
}

// findAdjust loads adjustment no of p.
func (e *Engine) findAdjust(ctx context.Context, p *Plan, no string) (*Adjustment, error) {
	adjs, err := e.store.Adjustments(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, err
	}
	k, err := strconv.Atoi(strings.TrimPrefix(no, "#"))
	for i := range adjs {
		if err == nil && adjs[i].No == k {
			return &adjs[i], nil
		}
	}
	return nil, Errorf(EINVALID, "err.no_item", no)
}

func (e *Engine) actAdjustConfirm(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.confirmAdjust(ctx, r, in.Args["plan"], in.Args["adj"], in.Values["override"])
}

func (e *Engine) actAdjustReject(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, err := e.planFor(ctx, r, in.Args["plan"], OpAdjustReject)
		if err != nil {
			return nil, err
		}
		return []Reply{r.reply(Message{Blocks: []Block{reasonForm(r, p.Number, "adjust.reject", in.Args)}})}, nil
	}
	return e.rejectAdjust(ctx, r, in.Args["plan"], in.Args["adj"], in.Values["reason"])
}

// confirmAdjust records the manager's or HR's confirmation, two different
// people; with both, the new target applies and the employee acknowledges
// the changed plan. Past the band (only where the tenant allows it) HR's
// confirmation needs a written override, which is audited.
func (e *Engine) confirmAdjust(ctx context.Context, r *request, ref, no, override string) ([]Reply, error) {
	override = strings.TrimSpace(override)
	if err := checkLength("override", override, maxReason); err != nil {
		return nil, err
	}
	p, _, err := e.planFor(ctx, r, ref, OpView)
	if err != nil {
		return nil, err
	}
	a, err := e.findAdjust(ctx, p, no)
	if err != nil {
		return nil, err
	}
	if a.Status != AdjustPending {
		return nil, Errorf(ESTATE, "err.adjust_decided", a.No)
	}
	role, err := adjustRole(e.rolesOf(ctx, p, r.actor.ID, r.isHR), a, r.actor.ID)
	if ErrorCode(err) == EFORBIDDEN {
		return nil, Errorf(EFORBIDDEN, "err.forbidden_op", r.tr("op.adjust_confirm"), r.tr("who.manager_and_hr"))
	}
	if err != nil {
		return nil, err
	}
	entries := []*AuditEntry{}
	switch role {
	case RoleManager:
		a.ManagerBy, a.ManagerAt = r.actor.ID, r.now
		entries = append(entries, r.audit(p, role, "adjust.confirm", "", string(role), "#"+itoa(a.No)))
	case RoleHR:
		adjs, err := e.store.Adjustments(ctx, p.Tenant, p.ID)
		if err != nil {
			return nil, err
		}
		if change := quarterChange(p, adjs, a.Goal, a.Quarter, a.To); change > AdjustBand {
			if !e.policy(p.Tenant).AdjustOverride {
				return nil, Errorf(EINVALID, "err.adjust_band", formatPercent(AdjustBand*100), formatPercent(change*100))
			}
			if override == "" {
				return nil, &Error{Code: EINVALID, Key: "err.adjust_over", Args: []any{formatPercent(AdjustBand * 100)},
					Fields: []FieldError{{Name: "override", Key: "err.required"}}}
			}
			a.Override = override
			entries = append(entries, r.audit(p, role, "adjust.override", formatPercent(AdjustBand*100), formatPercent(change*100), "#"+itoa(a.No)+" "+override))
		}
		a.HRBy, a.HRAt = r.actor.ID, r.now
		entries = append(entries, r.audit(p, role, "adjust.confirm", "", string(role), "#"+itoa(a.No)))
	}
	applied := !a.ManagerAt.IsZero() && !a.HRAt.IsZero()
	if applied {
		g := p.Goal(a.Goal)
		if g == nil {
			return nil, Errorf(EINVALID, "err.no_item", itoa(a.Goal))
		}
		g.Target = a.To
		a.Status, a.DecidedAt = AdjustApplied, r.now
		entries = append(entries, r.audit(p, role, "adjust.apply", ftoa(a.From), ftoa(a.To), "#"+itoa(a.No)))
		if p.Status == StatusActive {
			from := p.Status
			p.Status, p.AckedAt = StatusApproved, zeroTime()
			entries = append(entries, r.audit(p, role, "plan.edit_goals", string(from), string(p.Status), "adjust #"+itoa(a.No)))
		}
	}
	if err := e.save(ctx, r, p, entries, func(tx Store) error { return tx.SaveAdjustment(ctx, a) }); err != nil {
		return nil, err
	}
	key := "adj.confirmed_one"
	if applied {
		key = "adj.applied"
	}
	rep := r.text(r.tr(key, a.No))
	rep.Replace = r.cmd.Action != nil
	replies := []Reply{rep}
	if applied {
		for _, to := range r.others(p.EmployeeID) {
			g, l := p.Goal(a.Goal), e.localeOf(ctx, p.Tenant, to)
			replies = append(replies, e.notifyCard(ctx, p, to, "adjust:"+itoa(a.No)+":applied", "notify.adjusted", g.Metric, withUnit(l, a.From, g.Unit), withUnit(l, a.To, g.Unit)))
		}
		for _, to := range r.others(a.ProposedBy, p.ManagerID) {
			if to != p.EmployeeID {
				replies = append(replies, e.notify(ctx, p, to, "adjust:"+itoa(a.No)+":applied", "adj.applied", a.No))
			}
		}
	}
	return replies, nil
}

// rejectAdjust turns a pending adjustment down: the manager or HR only,
// with a reason, audited. The employee who proposed it cannot withdraw it
// this way, nor can a mentor.
func (e *Engine) rejectAdjust(ctx context.Context, r *request, ref, no, reason string) ([]Reply, error) {
	reason, err := r.reasonText("reason", reason)
	if err != nil {
		return nil, err
	}
	p, role, err := e.planFor(ctx, r, ref, OpAdjustReject)
	if err != nil {
		return nil, err
	}
	a, err := e.findAdjust(ctx, p, no)
	if err != nil {
		return nil, err
	}
	if a.Status != AdjustPending {
		return nil, Errorf(ESTATE, "err.adjust_decided", a.No)
	}
	a.Status, a.DecidedAt, a.RejectedBy = AdjustRejected, r.now, r.actor.ID
	err = e.commit(ctx, r, func(tx Store) error {
		if err := tx.SaveAdjustment(ctx, a); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, r.audit(p, role, "adjust.reject", string(AdjustPending), string(AdjustRejected), "#"+itoa(a.No)+" "+reason))
	})
	if err != nil {
		return nil, err
	}
	rep := r.text(r.tr("adj.rejected", a.No))
	rep.Replace = r.cmd.Action != nil
	replies := []Reply{rep}
	for _, to := range r.others(a.ProposedBy) {
		replies = append(replies, e.notify(ctx, p, to, "adjust:"+itoa(a.No)+":rejected", "notify.adjust_rejected", a.No, reason))
	}
	return replies, nil
}

// adjustLine summarises an adjustment for the plan view.
func (e *Engine) adjustLine(r *request, p *Plan, a Adjustment) string {
	metric := itoa(a.Goal)
	unit := ""
	if g := p.Goal(a.Goal); g != nil {
		metric, unit = g.Metric, g.Unit
	}
	return r.tr("adj.line", a.No, metric, withUnit(r.loc, a.From, unit), withUnit(r.loc, a.To, unit), enumText(r.loc, "adjust", string(a.Status)))
}
