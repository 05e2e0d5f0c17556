package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// cmdAction adds, edits, removes or changes the status of an action:
// "action 12 add 更新拜访记录 | 每周五 17:00前 | 经理", "action 12 edit 2 <spec>",
// "action 12 remove 2", "action 12 done 2", "行动 12 开始 2", "action 12 delay 3".
func (e *Engine) cmdAction(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.action_format")
	}
	if st, ok := parseActionStatus(rest[0]); ok && len(rest) == 2 {
		return e.setActionStatus(ctx, r, ref, rest[1], st)
	}
	if len(rest) == 2 && isWord(rest[0], "remove", "delete", "删除", "移除") {
		return e.removeAction(ctx, r, ref, rest[1])
	}
	edit := 0
	switch {
	case isWord(rest[0], "edit", "change", "修改", "编辑") && len(rest) > 2:
		if edit, err = strconv.Atoi(strings.TrimPrefix(rest[1], "#")); err != nil || edit < 1 {
			return nil, Errorf(EINVALID, "err.no_item", rest[1])
		}
		rest = rest[2:]
	case isWord(rest[0], "add", "添加", "新增", "加"):
		rest = rest[1:]
	}
	a, err := parseAction(strings.Join(rest, " "), r.now, r.tz)
	if err != nil {
		return nil, err
	}
	p, role, err := e.planFor(ctx, r, ref, OpActionAdd)
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, Errorf(ESTATE, "err.closed", p.Number)
	}
	if err := e.checkOwner(ctx, p, a); err != nil {
		return nil, err
	}
	if edit > 0 {
		old := p.Action(edit)
		if old == nil {
			return nil, Errorf(EINVALID, "err.no_item", itoa(edit))
		}
		a.No, a.Status, a.DoneAt, a.DoneBy = old.No, old.Status, old.DoneAt, old.DoneBy
		before := *old
		*old = a
		replies, err := e.edited(ctx, r, p, role, "plan.action_edit", "", "#"+itoa(a.No))
		if err == nil && (before.Kind() != OwnerPerson || before.Owner != a.Owner) {
			replies = append(replies, e.tellOwner(ctx, r, p, a)...)
		}
		return replies, err
	}
	if err := checkRoom("action_what", "err.too_many_actions", len(p.Actions), maxActions); err != nil {
		return nil, err
	}
	a.No = nextActionNo(p)
	p.Actions = append(p.Actions, a)
	replies, err := e.edited(ctx, r, p, role, "plan.action_add", "", strconv.Itoa(a.No))
	if err == nil {
		replies = append(replies, e.tellOwner(ctx, r, p, a)...)
	}
	return replies, err
}

// tellOwner tells a person named as an action's owner what they were given
// and how to mark it done, one-to-one. They need not be on the plan, so the
// message names neither its employee nor anything else of it.
func (e *Engine) tellOwner(ctx context.Context, r *request, p *Plan, a Action) []Reply {
	if a.Kind() != OwnerPerson || a.Owner == r.actor.ID {
		return nil
	}
	l, _ := e.prefs(e.person(ctx, p.Tenant, a.Owner))
	when := a.When.String(l)
	if when == "" {
		when = "-"
	}
	done := Button{Label: T(l, "btn.action_done", a.No), Style: StylePrimary,
		Action: ActionRef{ID: "action.done", Args: map[string]string{"plan": itoa(p.Number), "action": itoa(a.No)}}}
	m := Message{Title: T(l, "owner.assigned_title", p.Number), Color: ColorBlue, Blocks: []Block{
		Text{Body: T(l, "owner.assigned", e.name(ctx, p.Tenant, r.actor.ID), a.What, when, p.Number, a.No)}, Buttons{done}}}
	return []Reply{{To: a.Owner, Private: true, Key: notifyKey(p, "owner:"+itoa(a.No), a.Owner), Message: m}}
}

// removeAction drops an action: "行动 12 删除 2"; the others keep their numbers.
func (e *Engine) removeAction(ctx context.Context, r *request, ref, no string) ([]Reply, error) {
	p, role, err := e.planFor(ctx, r, ref, OpActionAdd)
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, Errorf(ESTATE, "err.closed", p.Number)
	}
	k, err := strconv.Atoi(strings.TrimPrefix(no, "#"))
	if err != nil || p.Action(k) == nil {
		return nil, Errorf(EINVALID, "err.no_item", no)
	}
	p.Actions = slices.DeleteFunc(p.Actions, func(a Action) bool { return a.No == k })
	return e.edited(ctx, r, p, role, "plan.action_remove", "#"+itoa(k), "")
}

// checkOwner refuses an action owned by someone the tenant does not know,
// or by the manager of a plan that has none yet.
func (e *Engine) checkOwner(ctx context.Context, p *Plan, a Action) error {
	switch a.Kind() {
	case OwnerPerson:
		_, err := e.lookup(ctx, p.Tenant, a.Owner)
		return err
	case OwnerManager:
		if p.ManagerID == "" {
			return fieldErr("action_owner", "err.owner_no_manager")
		}
	}
	return nil
}

// cmdDone marks an action done: "done 12 2", "完成 12 2".
func (e *Engine) cmdDone(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) != 1 {
		return nil, Errorf(EINVALID, "err.done_format")
	}
	return e.setActionStatus(ctx, r, ref, rest[0], ActionDone)
}

// actActionDone is the "✅ done" button of an action on the plan card; who
// clicked must be its owner, the plan's manager or HR.
func (e *Engine) actActionDone(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.setActionStatus(ctx, r, in.Args["plan"], in.Args["action"], ActionDone)
}

func parseActionStatus(w string) (ActionStatus, bool) {
	switch strings.ToLower(w) {
	case "done", "complete", "完成", "已完成":
		return ActionDone, true
	case "start", "started", "开始", "进行中":
		return ActionInProgress, true
	case "delay", "delayed", "延迟", "延期":
		return ActionDelayed, true
	case "reset", "todo", "未开始":
		return ActionNotStarted, true
	}
	return "", false
}

// setActionStatus changes one action's status. Only the action's owner,
// the plan's manager or HR may: a named owner who is not otherwise on the
// plan may mark their own action and nothing else.
func (e *Engine) setActionStatus(ctx context.Context, r *request, ref, no string, st ActionStatus) ([]Reply, error) {
	k, kerr := strconv.Atoi(strings.TrimPrefix(no, "#"))
	p, roles, err := e.planRoles(ctx, r, ref, func(p *Plan) []Role {
		if a := p.Action(k); kerr == nil && a != nil && a.ownedBy(p, r.actor.ID, r.isHR) {
			return []Role{RoleOwner}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	a := p.Action(k)
	if kerr != nil || a == nil {
		return nil, Errorf(EINVALID, "err.no_item", no)
	}
	role, err := Authorize(roles, OpActionStatus)
	if err != nil {
		return nil, e.refusal(ctx, r, p, OpActionStatus)
	}
	if !p.Open() {
		return nil, Errorf(ESTATE, "err.closed", p.Number)
	}
	old := a.Status
	a.Status, a.DoneAt, a.DoneBy = st, zeroTime(), ""
	if st == ActionDone {
		a.DoneAt, a.DoneBy = r.now, r.actor.ID
	}
	if err := e.save(ctx, r, p, []*AuditEntry{r.audit(p, role, "plan.action_status", string(old), string(st), "#"+itoa(a.No))}, nil); err != nil {
		return nil, err
	}
	if role == RoleOwner && !hasRole(roles, RoleEmployee) && !hasRole(roles, RoleManager) && !hasRole(roles, RoleHR) && !hasRole(roles, RoleMentor) {
		// A named owner outside the plan sees their action, not the plan.
		return []Reply{r.text(r.tr("done.action_status", a.No, p.Number, enumText(r.loc, "action", string(st))))}, nil
	}
	return []Reply{r.reply(e.planCard(ctx, p, r.actor.ID, r.isHR))}, nil
}
