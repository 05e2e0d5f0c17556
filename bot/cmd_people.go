package bot

import (
	"context"
	"fmt"
	"strconv"
)

// cmdReports names someone's manager, for HR, where neither the platform's
// directory nor the org file says: "汇报 @员工 @经理", "reports @e none".
// Without mentions "汇报 …" is a weekly update, as it always was.
func (e *Engine) cmdReports(ctx context.Context, r *request, args []string) ([]Reply, error) {
	if len(args) == 0 || mentionID(args[0]) == "" {
		return e.cmdUpdate(ctx, r, args)
	}
	if len(args) != 2 || (mentionID(args[1]) == "" && !isWord(args[1], "none", "无", "清除")) {
		return nil, Errorf(EINVALID, "err.reports_format")
	}
	role, err := e.tenantAuthorize(ctx, r, OpReports)
	if err != nil {
		return nil, err
	}
	emp, err := e.lookup(ctx, r.cmd.Tenant, mentionID(args[0]))
	if err != nil {
		return nil, err
	}
	mgr := mentionID(args[1])
	if mgr != "" {
		if _, err := e.lookup(ctx, r.cmd.Tenant, mgr); err != nil {
			return nil, err
		}
	}
	if cur, src := e.managerOf(emp); src == FromDirectory || src == FromOrgFile {
		return nil, Errorf(EINVALID, "err.reports_directory", e.name(ctx, r.cmd.Tenant, emp.ID), e.name(ctx, r.cmd.Tenant, cur), r.tr("source."+string(src)))
	}
	switch {
	case mgr == emp.ID:
		return nil, Errorf(EINVALID, "err.self_manager")
	case mgr != "" && e.relation(ctx, r.cmd.Tenant, emp.ID, mgr) != RelPeer:
		return nil, Errorf(EINVALID, "err.reports_cycle", e.name(ctx, r.cmd.Tenant, mgr), e.name(ctx, r.cmd.Tenant, emp.ID))
	}
	old := emp.AssignedManagerID
	emp.AssignedManagerID = mgr
	err = e.commit(ctx, r, func(tx Store) error {
		if err := tx.SavePerson(ctx, emp); err != nil {
			return fmt.Errorf("save reporting line: %w", err)
		}
		return tx.AppendAudit(ctx, r.tenantAudit(role, "org.reports", old, mgr, emp.ID))
	})
	if err != nil {
		return nil, err
	}
	if mgr == "" {
		return []Reply{r.text(r.tr("done.reports_cleared", e.name(ctx, r.cmd.Tenant, emp.ID)))}, nil
	}
	replies := []Reply{r.text(r.tr("done.reports", e.name(ctx, r.cmd.Tenant, emp.ID), e.name(ctx, r.cmd.Tenant, mgr)))}
	for _, to := range r.others(emp.ID, mgr) {
		replies = append(replies, e.tell(ctx, r.cmd.Tenant, to, "reports:"+emp.ID+":"+mgr, "notify.reports", e.name(ctx, r.cmd.Tenant, emp.ID), e.name(ctx, r.cmd.Tenant, mgr), e.name(ctx, r.cmd.Tenant, r.actor.ID)))
	}
	return replies, nil
}

// cmdHR lists the tenant's HR, or grants and revokes HR (HR admins only):
// "hr", "hr add @x", "hr remove @x", "HR 添加 @x", "HR 移除 @x".
func (e *Engine) cmdHR(ctx context.Context, r *request, args []string) ([]Reply, error) {
	if len(args) == 0 || len(args) == 1 && isWord(args[0], "list", "列表") {
		if _, err := e.tenantAuthorize(ctx, r, OpAllPlans); err != nil {
			return nil, err
		}
		return []Reply{r.text(r.tr("hr.list", e.names(ctx, r.loc, r.cmd.Tenant, e.hrPeople(ctx, r.cmd.Tenant))))}, nil
	}
	if len(args) != 2 || mentionID(args[1]) == "" {
		return nil, Errorf(EINVALID, "err.hr_format")
	}
	grant := isWord(args[0], "add", "grant", "添加", "增加")
	if !grant && !isWord(args[0], "remove", "revoke", "移除", "删除") {
		return nil, Errorf(EINVALID, "err.hr_format")
	}
	role, err := e.tenantAuthorize(ctx, r, OpGrantHR)
	if err != nil {
		return nil, err
	}
	who, err := e.lookup(ctx, r.cmd.Tenant, mentionID(args[1]))
	if err != nil {
		return nil, err
	}
	name := e.name(ctx, r.cmd.Tenant, who.ID)
	if !grant {
		if e.hrAdmin(r.cmd.Tenant, who.ID) {
			return nil, Errorf(EINVALID, "err.hr_breakglass", name)
		}
		if x, ok := e.orgEntry(r.cmd.Tenant, who.ID); ok && x.HR {
			return nil, Errorf(EINVALID, "err.hr_orgfile", name, x.Line)
		}
	}
	if who.HR == grant {
		return nil, Errorf(EINVALID, map[bool]string{true: "err.hr_already", false: "err.hr_not"}[grant], name)
	}
	who.HR = grant
	action := map[bool]string{true: "org.hr_grant", false: "org.hr_revoke"}[grant]
	err = e.commit(ctx, r, func(tx Store) error {
		if err := tx.SavePerson(ctx, who); err != nil {
			return fmt.Errorf("save hr flag: %w", err)
		}
		return tx.AppendAudit(ctx, r.tenantAudit(role, action, strconv.FormatBool(!grant), strconv.FormatBool(grant), who.ID))
	})
	if err != nil {
		return nil, err
	}
	key := map[bool]string{true: "done.hr_granted", false: "done.hr_revoked"}[grant]
	replies := []Reply{r.text(r.tr(key, name))}
	if who.ID != r.actor.ID {
		replies = append(replies, e.tell(ctx, r.cmd.Tenant, who.ID, action+":"+r.now.Format("20060102150405"), "notify."+action, e.name(ctx, r.cmd.Tenant, r.actor.ID)))
	}
	return replies, nil
}

// cmdSummary opts a plan in or out of its team group's weekly summary,
// which shows counts only: "汇总 12 开", "summary 12 off".
func (e *Engine) cmdSummary(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) != 1 || !isWord(rest[0], "on", "off", "开", "关", "是", "否", "yes", "no") {
		return nil, Errorf(EINVALID, "err.summary_format")
	}
	on := isWord(rest[0], "on", "开", "是", "yes")
	p, role, err := e.planFor(ctx, r, ref, OpTeamVisible)
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, Errorf(ESTATE, "err.closed", p.Number)
	}
	old := p.TeamVisible
	p.TeamVisible = on
	if err := e.save(ctx, r, p, []*AuditEntry{r.audit(p, role, "plan.team_visible", strconv.FormatBool(old), strconv.FormatBool(on), "")}, nil); err != nil {
		return nil, err
	}
	return []Reply{r.text(r.tr(map[bool]string{true: "done.summary_on", false: "done.summary_off"}[on], p.Number))}, nil
}
