package storage

import (
	"time"

	"github.com/pipbot/pipbot/bot"
)

// planRow is a plan aggregate in the plans table: the columns the engine
// filters on, and the nested problems, goals and actions as JSON text.
// Strings without a size are text (longtext on MySQL). Gap and Causes are
// where plans kept their one problem before plans held several; they are
// read into Problems (plan_legacy.go) and no longer written.
type planRow struct {
	ID       int64  `gorm:"primaryKey;autoIncrement"`
	Tenant   string `gorm:"size:191;not null;uniqueIndex:uq_plans_tenant_number,priority:1;index:idx_plans_tenant_employee,priority:1;index:idx_plans_tenant_manager,priority:1;index:idx_plans_tenant_mentor,priority:1;index:idx_plans_tenant_status,priority:1"`
	Number   int    `gorm:"not null;uniqueIndex:uq_plans_tenant_number,priority:2"`
	Version  int    `gorm:"not null"`
	Platform string `gorm:"size:32;not null"`

	Title        string
	EmployeeID   string `gorm:"size:191;not null;index:idx_plans_tenant_employee,priority:2"`
	ManagerID    string `gorm:"size:191;not null;index:idx_plans_tenant_manager,priority:2"`
	MentorID     string `gorm:"size:191;not null;index:idx_plans_tenant_mentor,priority:2"`
	CreatedBy    string `gorm:"size:191;not null"`
	EmployeeType string `gorm:"size:32;not null"`
	TeamVisible  bool   `gorm:"not null"`

	Status  string `gorm:"size:32;not null;index:idx_plans_tenant_status,priority:2"`
	Cycle   int    `gorm:"not null"`
	StartAt *time.Time
	EndAt   *time.Time

	Gap      bot.Gap         `gorm:"serializer:json"`
	Causes   []bot.RootCause `gorm:"serializer:json"`
	Problems []bot.Problem   `gorm:"serializer:json"`
	Goals    []bot.Goal      `gorm:"serializer:json"`
	Actions  []storedAction  `gorm:"serializer:json"`

	Stage        string     `gorm:"size:32;not null;default:''"`
	ApproverID   string     `gorm:"size:191;not null;default:''"`
	ApprovedBy   string     `gorm:"size:191;not null;default:''"`
	HRApprovedBy string     `gorm:"column:hr_approved_by;size:191;not null;default:''"`
	HRApprovedAt *time.Time `gorm:"column:hr_approved_at"`

	Reason     string
	ApprovedAt *time.Time
	AckedAt    *time.Time
	StartedAt  *time.Time
	Outcome    string `gorm:"size:32;not null"`
	Lessons    string
	ClosedAt   *time.Time
	// Pending is an outcome waiting for HR; null when there is none.
	Pending *bot.OutcomeProposal `gorm:"serializer:json"`

	CreatedAt *time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt *time.Time `gorm:"autoUpdateTime:false"`
}

func (planRow) TableName() string { return "plans" }

func planToRow(p *bot.Plan) planRow {
	return planRow{
		ID:           p.ID,
		Tenant:       p.Tenant,
		Number:       p.Number,
		Version:      p.Version,
		Platform:     p.Platform,
		Title:        p.Title,
		EmployeeID:   p.EmployeeID,
		ManagerID:    p.ManagerID,
		MentorID:     p.MentorID,
		CreatedBy:    p.CreatedBy,
		EmployeeType: string(p.EmployeeType),
		TeamVisible:  p.TeamVisible,
		Status:       string(p.Status),
		Cycle:        p.Cycle,
		StartAt:      toDBTime(p.Start),
		EndAt:        toDBTime(p.End),
		Problems:     p.Problems,
		Goals:        normGoals(p.Goals),
		Actions:      normActions(p.Actions),
		Stage:        string(p.Stage),
		ApproverID:   p.ApproverID,
		ApprovedBy:   p.ApprovedBy,
		HRApprovedBy: p.HRApprovedBy,
		HRApprovedAt: toDBTime(p.HRApprovedAt),
		Reason:       p.Reason,
		ApprovedAt:   toDBTime(p.ApprovedAt),
		AckedAt:      toDBTime(p.AckedAt),
		StartedAt:    toDBTime(p.StartedAt),
		Outcome:      string(p.Outcome),
		Lessons:      p.Lessons,
		ClosedAt:     toDBTime(p.ClosedAt),
		Pending:      normPending(p.Pending),
		CreatedAt:    toDBTime(p.CreatedAt),
		UpdatedAt:    toDBTime(p.UpdatedAt),
	}
}

func (r *planRow) plan() *bot.Plan {
	return &bot.Plan{
		ID:           r.ID,
		Tenant:       r.Tenant,
		Number:       r.Number,
		Version:      r.Version,
		Platform:     r.Platform,
		Title:        r.Title,
		EmployeeID:   r.EmployeeID,
		ManagerID:    r.ManagerID,
		MentorID:     r.MentorID,
		CreatedBy:    r.CreatedBy,
		EmployeeType: bot.EmployeeType(r.EmployeeType),
		TeamVisible:  r.TeamVisible,
		Status:       bot.Status(r.Status),
		Cycle:        r.Cycle,
		Start:        fromDBTime(r.StartAt),
		End:          fromDBTime(r.EndAt),
		Problems:     r.problems(),
		Goals:        r.goals(),
		Actions:      r.actions(),
		Stage:        bot.ApprovalStage(r.Stage),
		ApproverID:   r.ApproverID,
		ApprovedBy:   r.ApprovedBy,
		HRApprovedBy: r.HRApprovedBy,
		HRApprovedAt: fromDBTime(r.HRApprovedAt),
		Reason:       r.Reason,
		ApprovedAt:   fromDBTime(r.ApprovedAt),
		AckedAt:      fromDBTime(r.AckedAt),
		StartedAt:    fromDBTime(r.StartedAt),
		Outcome:      bot.Outcome(r.Outcome),
		Lessons:      r.Lessons,
		ClosedAt:     fromDBTime(r.ClosedAt),
		Pending:      r.Pending,
		CreatedAt:    fromDBTime(r.CreatedAt),
		UpdatedAt:    fromDBTime(r.UpdatedAt),
	}
}

// normGoals copies goals with their deadlines in stored form, leaving the
// caller's plan untouched.
func normGoals(goals []bot.Goal) []bot.Goal {
	if goals == nil {
		return nil
	}
	out := make([]bot.Goal, len(goals))
	for i, g := range goals {
		g.Deadline = normTime(g.Deadline)
		out[i] = g
	}
	return out
}

// normActions copies actions with their dates in stored form.
func normActions(actions []bot.Action) []storedAction {
	if actions == nil {
		return nil
	}
	out := make([]storedAction, len(actions))
	for i, a := range actions {
		a.When.Date = normTime(a.When.Date)
		a.DoneAt = normTime(a.DoneAt)
		out[i] = storedAction{Action: a}
	}
	return out
}

// normPending copies a pending outcome with its times in stored form.
func normPending(p *bot.OutcomeProposal) *bot.OutcomeProposal {
	if p == nil {
		return nil
	}
	c := *p
	c.NewEnd, c.ProposedAt = normTime(c.NewEnd), normTime(c.ProposedAt)
	return &c
}
