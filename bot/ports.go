package bot

import (
	"context"
	"time"
)

// PlanQuery selects plans within one tenant. Zero fields match everything.
type PlanQuery struct {
	EmployeeID string
	ManagerID  string
	MentorID   string
	// InvolvedID matches plans where the user is employee, manager or mentor.
	InvolvedID string
	Statuses   []Status
	Outcome    Outcome
	Limit      int // 0 = no limit
}

// Plans stores plan aggregates. Every method is scoped by tenant: a plan of
// another tenant is ErrNotFound, even by its ID.
type Plans interface {
	// CreatePlan stores a new plan, setting ID, Number (next short id in the
	// tenant) and Version 1.
	CreatePlan(ctx context.Context, p *Plan) error
	// PlanByNumber loads a plan by its short id.
	PlanByNumber(ctx context.Context, tenant string, number int) (*Plan, error)
	// PlanByID loads a plan by its storage id.
	PlanByID(ctx context.Context, tenant string, id int64) (*Plan, error)
	// SavePlan writes the whole aggregate if its Version is still current,
	// then bumps p.Version; otherwise ErrConflict.
	SavePlan(ctx context.Context, p *Plan) error
	// ListPlans returns matching plans ordered by Number.
	ListPlans(ctx context.Context, tenant string, q PlanQuery) ([]*Plan, error)
}

// Records stores the logs that grow around a plan.
type Records interface {
	AddUpdate(ctx context.Context, u *Update) error
	// Updates lists a plan's updates, oldest first.
	Updates(ctx context.Context, tenant string, planID int64) ([]Update, error)
	// LatestUpdates returns, per plan, its newest update (for team overviews).
	LatestUpdates(ctx context.Context, tenant string, planIDs []int64) (map[int64]Update, error)

	// SaveInterview inserts (ID 0, assigning ID and No) or updates an interview.
	SaveInterview(ctx context.Context, iv *Interview) error
	Interviews(ctx context.Context, tenant string, planID int64) ([]Interview, error)

	AddReview(ctx context.Context, r *Review) error
	Reviews(ctx context.Context, tenant string, planID int64) ([]Review, error)

	// SaveAdjustment inserts (ID 0, assigning ID and No) or updates an adjustment.
	SaveAdjustment(ctx context.Context, a *Adjustment) error
	Adjustments(ctx context.Context, tenant string, planID int64) ([]Adjustment, error)

	AddNote(ctx context.Context, n *Note) error
	Notes(ctx context.Context, tenant string, planID int64) ([]Note, error)

	// PlanRecords loads the notes, updates and interviews of many plans in
	// a few queries (an export of every plan), each list oldest first.
	PlanRecords(ctx context.Context, tenant string, planIDs []int64) (map[int64]*PlanLogs, error)
	// InterviewsOfPlans lists the interviews of many plans in one query,
	// without their notes and updates (the HR digest's week).
	InterviewsOfPlans(ctx context.Context, tenant string, planIDs []int64) ([]Interview, error)
}

// PlanLogs are the records of one plan an export reads.
type PlanLogs struct {
	Notes      []Note
	Updates    []Update
	Interviews []Interview
}

// AuditLog is append-only: there is deliberately no way to edit or delete.
type AuditLog interface {
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// Audit lists a plan's entries, oldest first.
	Audit(ctx context.Context, tenant string, planID int64) ([]AuditEntry, error)
	// VerifyAudit checks the tenant's hash chain: whole when planID is 0,
	// else each of the plan's entries and its links to its neighbours.
	VerifyAudit(ctx context.Context, tenant string, planID int64) (AuditCheck, error)
}

// Directory knows the people of a tenant.
type Directory interface {
	// SavePerson inserts or updates a person's profile.
	SavePerson(ctx context.Context, p Person) error
	// Person loads one person; ErrNotFound when unknown.
	Person(ctx context.Context, tenant, id string) (Person, error)
	// People lists the people of a tenant, by name.
	People(ctx context.Context, tenant string) ([]Person, error)
}

// Profiles looks people up in a platform's directory (Feishu contact API,
// Slack users.info and the manager profile field), behind a cache that it
// keeps in the people table. An unknown user is ErrNotFound.
type Profiles interface {
	Profile(ctx context.Context, tenant, id string) (Person, error)
}

// Teams remembers which group chats belong to which manager's team.
type Teams interface {
	// BindTeamChat binds (or rebinds) a group chat; one binding per chat.
	BindTeamChat(ctx context.Context, c TeamChat) error
	// UnbindTeamChat removes a chat's binding; no error when there was none.
	UnbindTeamChat(ctx context.Context, tenant, chatID string) error
	// TeamChats lists the chats bound to a manager's team; managerID ""
	// lists every binding of the tenant.
	TeamChats(ctx context.Context, tenant, managerID string) ([]TeamChat, error)
}

// Store is everything the engine keeps in SQL. InTx runs fn in one
// transaction with a Store bound to it; fn's error rolls it back.
type Store interface {
	Plans
	Records
	AuditLog
	Directory
	Teams
	Effects
	RiskMarks
	InTx(ctx context.Context, fn func(tx Store) error) error
}

// Sessions keeps short-lived conversation state (a guided plan creation in
// progress). Keys are built by the engine and always start with the tenant.
type Sessions interface {
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Delete(ctx context.Context, key string) error
}
