package bot

import "strings"

// OwnerKind is who answers for an action (责任人): the employee, the
// manager, HR, or a person named by their ID.
type OwnerKind string

// Owner kinds. Actions stored before owners existed have none and are the
// employee's.
const (
	OwnerEmployee OwnerKind = "employee"
	OwnerManager  OwnerKind = "manager"
	OwnerHR       OwnerKind = "hr"
	OwnerPerson   OwnerKind = "person"
)

// Kind is the action's owner kind, the employee when none was recorded.
func (a Action) Kind() OwnerKind {
	if a.OwnerKind == "" {
		return OwnerEmployee
	}
	return a.OwnerKind
}

// ownedBy reports whether userID answers for a on plan p: the plan's
// employee or manager, any HR, or the named person, as the owner kind says.
func (a Action) ownedBy(p *Plan, userID string, isHR bool) bool {
	switch a.Kind() {
	case OwnerEmployee:
		return userID == p.EmployeeID
	case OwnerManager:
		return userID == p.ManagerID
	case OwnerHR:
		return isHR
	case OwnerPerson:
		return userID != "" && userID == a.Owner
	}
	return false
}

// parseOwner reads an owner: 员工/本人/employee, 经理/主管/manager, HR/人事,
// or a mention of a person. A "责任人:"/"owner:" prefix is allowed.
func parseOwner(s string) (OwnerKind, string, bool) {
	s = strings.TrimSpace(toHalfWidth(s))
	for _, prefix := range []string{"责任人:", "负责人:", "责任人", "负责人", "owner:", "owner "} {
		if len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			s = strings.TrimSpace(s[len(prefix):])
			break
		}
	}
	if id := mentionID(s); id != "" {
		return OwnerPerson, id, true
	}
	switch strings.ToLower(s) {
	case "员工", "本人", "员工本人", "employee", "emp", "self":
		return OwnerEmployee, "", true
	case "经理", "主管", "直属经理", "上级", "manager", "mgr", "leader":
		return OwnerManager, "", true
	case "hr", "人事", "人力", "hrbp":
		return OwnerHR, "", true
	}
	return "", "", false
}
