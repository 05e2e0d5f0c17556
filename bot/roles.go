package bot

// Role is what an actor is to a particular plan.
type Role string

// Roles. A person can hold several towards one plan (a manager who is also
// HR); the engine checks each in turn.
const (
	RoleEmployee Role = "employee"
	RoleManager  Role = "manager"
	RoleHR       Role = "hr"
	RoleMentor   Role = "mentor"
	RoleOther    Role = "other"
)

// Op is an operation on a plan that needs permission.
type Op string

// Operations checked against the permission table.
const (
	OpView          Op = "view"
	OpEdit          Op = "edit"    // change a draft: gap, causes, goals, actions, dates
	OpSubmit        Op = "submit"  // draft → submitted
	OpApprove       Op = "approve" // submitted → approved
	OpRequestChange Op = "request_changes"
	OpReject        Op = "reject"
	OpAcknowledge   Op = "acknowledge"
	OpEditActive    Op = "edit_active" // change goals of a running plan (needs a new ack)
	OpUpdate        Op = "update"      // post weekly progress
	OpActionAdd     Op = "action_add"
	OpActionStatus  Op = "action_status"
	OpInterview     Op = "interview" // book, move, cancel, record notes
	OpInterviewOK   Op = "interview_confirm"
	OpReview        Op = "review"
	OpClose         Op = "close"
	OpExtend        Op = "extend"
	OpCancel        Op = "cancel"
	OpAdjustPropose Op = "adjust_propose"
	OpAdjustManager Op = "adjust_confirm_manager"
	OpAdjustHR      Op = "adjust_confirm_hr"
	OpMentor        Op = "mentor_assign"
	OpNote          Op = "note"
	OpAudit         Op = "audit"
)

// permissions is the one table of who may do what. Anything not listed is refused.
var permissions = map[Op][]Role{
	OpView:          {RoleEmployee, RoleManager, RoleHR, RoleMentor},
	OpEdit:          {RoleEmployee, RoleManager, RoleHR},
	OpSubmit:        {RoleEmployee, RoleManager},
	OpApprove:       {RoleManager, RoleHR},
	OpRequestChange: {RoleManager, RoleHR},
	OpReject:        {RoleManager, RoleHR},
	OpAcknowledge:   {RoleEmployee},
	OpEditActive:    {RoleManager, RoleHR},
	OpUpdate:        {RoleEmployee},
	OpActionAdd:     {RoleEmployee, RoleManager, RoleHR},
	OpActionStatus:  {RoleEmployee, RoleManager, RoleHR},
	OpInterview:     {RoleManager, RoleHR},
	OpInterviewOK:   {RoleEmployee, RoleManager},
	OpReview:        {RoleManager, RoleHR},
	OpClose:         {RoleManager, RoleHR},
	OpExtend:        {RoleManager, RoleHR},
	OpCancel:        {RoleManager, RoleHR},
	OpAdjustPropose: {RoleManager, RoleHR, RoleEmployee},
	OpAdjustManager: {RoleManager},
	OpAdjustHR:      {RoleHR},
	OpMentor:        {RoleManager, RoleHR},
	OpNote:          {RoleMentor, RoleManager, RoleHR},
	OpAudit:         {RoleManager, RoleHR},
}

// Allowed reports whether role may perform op.
func Allowed(role Role, op Op) bool {
	for _, r := range permissions[op] {
		if r == role {
			return true
		}
	}
	return false
}

// RolesOf lists every role person holds towards plan; RoleOther when none.
func RolesOf(p *Plan, userID string, isHR bool) []Role {
	var roles []Role
	if userID == "" {
		return []Role{RoleOther}
	}
	if p.EmployeeID == userID {
		roles = append(roles, RoleEmployee)
	}
	if p.ManagerID == userID {
		roles = append(roles, RoleManager)
	}
	if p.MentorID == userID {
		roles = append(roles, RoleMentor)
	}
	if isHR {
		roles = append(roles, RoleHR)
	}
	if len(roles) == 0 {
		return []Role{RoleOther}
	}
	return roles
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
