package bot

import (
	"context"
	"slices"
)

// Role is what an actor is to a particular plan, or in the tenant.
type Role string

// Roles. A person can hold several towards one plan (a manager who is also
// HR); the engine checks each in turn.
const (
	RoleEmployee Role = "employee"
	RoleManager  Role = "manager" // the employee's manager in the directory
	RoleSenior   Role = "senior"  // a manager above the employee's manager
	RoleHR       Role = "hr"
	RoleMentor   Role = "mentor"
	RoleDrafter  Role = "drafter"  // who created the plan
	RoleApprover Role = "approver" // who must decide the submitted plan now, never its drafter
	RoleDecider  Role = "decider"  // HR, other than the proposer, deciding a proposed outcome
	RoleOwner    Role = "owner"    // answers for the action in hand (责任人): its employee, manager, HR or named person
	RoleOther    Role = "other"

	// Tenant-level roles, for what is not about one plan.
	RoleHRAdmin     Role = "hr_admin"     // on the break-glass list (PIPBOT_HR)
	RoleTeamManager Role = "team_manager" // has at least one report in the directory
)

// Op is an operation that needs permission.
type Op string

// Operations checked against the permission tables.
const (
	OpView          Op = "view"
	OpEdit          Op = "edit"    // change a draft: gap, causes, goals, actions, dates
	OpSubmit        Op = "submit"  // draft → submitted
	OpDelete        Op = "delete"  // delete an unsubmitted draft
	OpApprove       Op = "approve" // submitted → approved (or on to HR)
	OpRequestChange Op = "request_changes"
	OpReject        Op = "reject"
	OpAcknowledge   Op = "acknowledge" // with an optional comment or disagreement
	OpEditActive    Op = "edit_active" // change goals of a running plan (needs a new ack)
	OpUpdate        Op = "update"      // post weekly progress
	OpActionAdd     Op = "action_add"
	OpActionStatus  Op = "action_status" // start, delay or mark done one action
	OpInterview     Op = "interview"     // book, move, cancel, record
	OpInterviewOK   Op = "interview_confirm"
	OpInterviewRate Op = "interview_rate" // 面谈效果评估
	OpPrepare       Op = "interview_prepare"
	OpReview        Op = "review"
	OpClose         Op = "close"  // propose an outcome; HR confirms it
	OpExtend        Op = "extend" // propose a new cycle; HR confirms it
	OpCancel        Op = "cancel" // propose cancelling; HR confirms it
	OpOutcomeHR     Op = "outcome_confirm"
	OpAdjustPropose Op = "adjust_propose"
	OpAdjustManager Op = "adjust_confirm_manager"
	OpAdjustHR      Op = "adjust_confirm_hr"
	OpAdjustReject  Op = "adjust_reject"
	OpMentor        Op = "mentor_assign"
	OpNote          Op = "note"
	OpTrack         Op = "track"      // write a tracking note (绩效改进跟踪日志)
	OpTrackRead     Op = "track_read" // read the tracking notes
	OpAudit         Op = "audit"
	OpTeamVisible   Op = "team_visible"
	OpExport        Op = "export" // the plan's tables as a file (export.go)

	// Tenant-level operations.
	OpAllPlans   Op = "all_plans"
	OpPromotions Op = "promotions"
	OpAuditOrg   Op = "audit_org" // HR grants, reporting lines, team groups
	OpReports    Op = "reports"   // name someone's manager in chat
	OpGrantHR    Op = "grant_hr"
	OpBind       Op = "bind" // bind a group chat to a team
	OpExportAll  Op = "export_all"
)

// permissions is the one table of who may do what to a plan. Anything not
// listed is refused. Which roles a person holds towards a plan is decided
// in rolesOf below, with the separation of duties built in (nobody
// approves what they drafted, nobody confirms their own proposal); who may
// start a plan is starters, and what is not about one plan is
// tenantPermissions.
var permissions = map[Op][]Role{
	OpView:          {RoleEmployee, RoleManager, RoleSenior, RoleHR, RoleMentor, RoleApprover},
	OpEdit:          {RoleDrafter, RoleEmployee, RoleManager, RoleHR},
	OpSubmit:        {RoleDrafter, RoleEmployee, RoleManager},
	OpDelete:        {RoleDrafter},
	OpApprove:       {RoleApprover},
	OpRequestChange: {RoleApprover},
	OpReject:        {RoleApprover},
	OpAcknowledge:   {RoleEmployee},
	OpEditActive:    {RoleManager, RoleHR},
	OpUpdate:        {RoleEmployee},
	OpActionAdd:     {RoleEmployee, RoleManager, RoleHR},
	OpActionStatus:  {RoleOwner, RoleManager, RoleHR},
	OpInterview:     {RoleManager, RoleHR},
	OpInterviewOK:   {RoleEmployee, RoleManager},
	OpInterviewRate: {RoleEmployee, RoleManager},
	OpPrepare:       {RoleEmployee},
	OpReview:        {RoleManager, RoleHR},
	OpClose:         {RoleManager, RoleHR},
	OpExtend:        {RoleManager, RoleHR},
	OpCancel:        {RoleManager, RoleHR},
	OpOutcomeHR:     {RoleDecider},
	OpAdjustPropose: {RoleManager, RoleHR, RoleEmployee},
	OpAdjustManager: {RoleManager},
	OpAdjustHR:      {RoleHR},
	OpAdjustReject:  {RoleManager, RoleHR},
	OpMentor:        {RoleManager, RoleHR},
	OpNote:          {RoleMentor, RoleManager, RoleHR},
	OpTrack:         {RoleManager, RoleMentor},
	OpTrackRead:     {RoleManager, RoleMentor, RoleHR},
	OpAudit:         {RoleManager, RoleHR},
	OpTeamVisible:   {RoleManager, RoleHR},
	OpExport:        {RoleEmployee, RoleManager, RoleMentor, RoleHR},
}

// starters says who may start a plan for an employee standing in a
// relation to them: themself, a report (direct or further down), never a
// peer. HR may start one for anyone in the tenant.
var starters = map[Relation]bool{RelSelf: true, RelReport: true, RelSkip: true, RelPeer: false}

// CanStart reports whether someone may start a plan for an employee who
// stands in relation rel to them.
func CanStart(rel Relation, isHR bool) bool { return isHR || starters[rel] }

// tenantPermissions is who may do what is not about one plan.
var tenantPermissions = map[Op][]Role{
	OpAllPlans:   {RoleHR},
	OpPromotions: {RoleHR},
	OpAuditOrg:   {RoleHR},
	OpReports:    {RoleHR},
	OpGrantHR:    {RoleHRAdmin},
	OpBind:       {RoleTeamManager, RoleHR},
	OpExportAll:  {RoleHR},
}

// Allowed reports whether role may perform op on a plan or in the tenant.
func Allowed(role Role, op Op) bool {
	for _, r := range append(permissions[op], tenantPermissions[op]...) {
		if r == role {
			return true
		}
	}
	return false
}

// Authorize returns the first of roles that may perform op, or EFORBIDDEN.
func Authorize(roles []Role, op Op) (Role, error) {
	for _, r := range roles {
		if Allowed(r, op) {
			return r, nil
		}
	}
	return RoleOther, Errorf(EFORBIDDEN, "err.forbidden")
}

// hasRole reports whether want is among roles.
func hasRole(roles []Role, want Role) bool {
	for _, r := range roles {
		if r == want {
			return true
		}
	}
	return false
}

// rolesOf lists every role a person holds towards plan p; RoleOther when
// none. Seniority (a manager above the employee's manager) is read from
// the directory's reporting lines.
func (e *Engine) rolesOf(ctx context.Context, p *Plan, userID string, isHR bool) []Role {
	if userID == "" {
		return []Role{RoleOther}
	}
	var roles []Role
	add := func(ok bool, r Role) {
		if ok {
			roles = append(roles, r)
		}
	}
	add(p.EmployeeID == userID, RoleEmployee)
	add(p.ManagerID == userID, RoleManager)
	add(p.MentorID == userID, RoleMentor)
	add(isHR, RoleHR)
	add(p.CreatedBy == userID, RoleDrafter)
	add(approverOf(p, userID, isHR), RoleApprover)
	add(p.Pending != nil && isHR && p.Pending.ProposedBy != userID, RoleDecider)
	if p.EmployeeID != userID && p.ManagerID != userID {
		chain := e.chain(ctx, p.Tenant, p.EmployeeID)
		add(len(chain) > 1 && slices.Contains(chain[1:], userID), RoleSenior)
	}
	if len(roles) == 0 {
		return []Role{RoleOther}
	}
	return roles
}

// approverOf reports whether userID must decide the submitted plan p now:
// the manager the plan was routed to, or at the HR stage any HR but the
// drafter and the first approver.
func approverOf(p *Plan, userID string, isHR bool) bool {
	if p.Status != StatusSubmitted || userID == p.CreatedBy {
		return false
	}
	switch p.Stage {
	case StageManager:
		return p.ApproverID == userID
	case StageHR:
		return isHR && userID != p.ApprovedBy
	}
	return false
}

// adjustRole is the role in which roles may confirm adjustment a: the
// manager's and HR's confirmations come from two different people.
func adjustRole(roles []Role, a *Adjustment, userID string) (Role, error) {
	switch {
	case a.ManagerAt.IsZero() && hasRole(roles, RoleManager) && a.HRBy != userID:
		return RoleManager, nil
	case a.HRAt.IsZero() && hasRole(roles, RoleHR) && a.ManagerBy != userID:
		return RoleHR, nil
	case hasRole(roles, RoleManager) || hasRole(roles, RoleHR):
		return RoleOther, Errorf(ESTATE, "err.already_confirmed")
	}
	return RoleOther, Errorf(EFORBIDDEN, "err.forbidden")
}
