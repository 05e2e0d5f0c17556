package bot

import "time"

// Status is where a plan stands in its lifecycle (see lifecycle.go).
type Status string

// Plan statuses.
const (
	StatusDraft     Status = "draft"     // being written; editable
	StatusSubmitted Status = "submitted" // waiting for the manager's decision
	StatusApproved  Status = "approved"  // approved (or goals edited), waiting for the employee's acknowledgment
	StatusActive    Status = "active"    // running: updates, interviews, reviews
	StatusClosed    Status = "closed"    // ended with an outcome
	StatusCancelled Status = "cancelled" // withdrawn, with a reason, confirmed by HR
	StatusDeleted   Status = "deleted"   // a draft its drafter deleted before submitting it
)

// ApprovalStage is which approval a submitted plan waits for.
type ApprovalStage string

// Approval stages of a submitted plan.
const (
	StageManager ApprovalStage = "manager" // the employee's manager (or the next one up)
	StageHR      ApprovalStage = "hr"      // HR, after the manager (approval: manager+hr)
)

// EmployeeType changes the defaults and the tone of a plan.
type EmployeeType string

// Employee types from the source documents.
const (
	TypeUnderPerformer EmployeeType = "under_performer" // small achievable steps, encouraging tone
	TypeHighPotential  EmployeeType = "high_potential"  // development goals tied to a career path
	TypeNewHire        EmployeeType = "new_hire"        // mentor and basic training, short cycle
)

// CycleDays is the default length of one improvement cycle for a type:
// new hires three weeks, others one to three months.
func (t EmployeeType) CycleDays() int {
	switch t {
	case TypeNewHire:
		return 21
	case TypeHighPotential:
		return 90
	default:
		return 60
	}
}

// Valid reports whether t is one of the known types.
func (t EmployeeType) Valid() bool {
	return t == TypeUnderPerformer || t == TypeHighPotential || t == TypeNewHire
}

// Gap is the measured numbers of a core problem:
// e.g. quarterly sales target 500,000, actual 350,000.
type Gap struct {
	Metric string  `json:"metric"`
	Target float64 `json:"target"`
	Actual float64 `json:"actual"`
	Unit   string  `json:"unit,omitempty"`
}

// Size is the gap as a number (target − actual).
func (g Gap) Size() float64 { return g.Target - g.Actual }

// Dimension tags a root cause: person, work or environment (人、事、环境).
type Dimension string

// Root-cause dimensions.
const (
	DimPerson      Dimension = "person"      // skill, attitude, understanding
	DimWork        Dimension = "work"        // process, resources, unclear goals
	DimEnvironment Dimension = "environment" // collaboration, external pressure
)

// Valid reports whether d is a known dimension.
func (d Dimension) Valid() bool { return d == DimPerson || d == DimWork || d == DimEnvironment }

// RootCause is one reason behind a core problem.
type RootCause struct {
	Dimension Dimension `json:"dimension"`
	Text      string    `json:"text"`
}

// Goal is a SMART goal: from Baseline to Target by Deadline, with the latest value.
type Goal struct {
	No       int       `json:"no"`                // 1-based, stable within the plan
	Problem  int       `json:"problem,omitempty"` // the No of the core problem it addresses
	Metric   string    `json:"metric"`
	Baseline float64   `json:"baseline"`
	Target   float64   `json:"target"`
	Unit     string    `json:"unit,omitempty"`
	Deadline time.Time `json:"deadline"` // a date, stored at 00:00 UTC
	Current  float64   `json:"current"`
	Updated  bool      `json:"updated,omitempty"` // Current has been reported at least once
}

// Progress is how far Current has moved from Baseline towards Target, 0–100.
// It works for goals that go down (complaint rate 8% → 3%) as well as up.
func (g Goal) Progress() float64 {
	span := g.Target - g.Baseline
	if span == 0 {
		if g.Current == g.Target {
			return 100
		}
		return 0
	}
	p := (g.Current - g.Baseline) / span * 100
	switch {
	case p <= 0: // also -0, from a goal that goes down and has not moved
		return 0
	case p > 100:
		return 100
	}
	return p
}

// Achieved reports whether Current has reached Target in the goal's direction.
func (g Goal) Achieved() bool {
	if g.Target >= g.Baseline {
		return g.Current >= g.Target
	}
	return g.Current <= g.Target
}

// ActionStatus is the state of an action item.
type ActionStatus string

// Action statuses.
const (
	ActionNotStarted ActionStatus = "not_started"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionDelayed    ActionStatus = "delayed"
)

// Action is one step of the action plan (one row of 绩效改进策略落地执行表):
// what, who, when, with what, measured how, and how far it has got.
type Action struct {
	No        int          `json:"no"`
	What      string       `json:"what"`
	OwnerKind OwnerKind    `json:"owner_kind,omitempty"` // employee, manager, HR or a named person
	Owner     string       `json:"owner,omitempty"`      // the named person's user ID (OwnerPerson only)
	When      TimeNode     `json:"when,omitzero"`        // a date or a cadence; zero when none was given
	Resources string       `json:"resources,omitempty"`  // support needed
	Measure   string       `json:"measure,omitempty"`    // evaluation metric
	Status    ActionStatus `json:"status"`
	DoneAt    time.Time    `json:"done_at,omitempty"`
	DoneBy    string       `json:"done_by,omitempty"` // who marked it done
}

// Outcome is how a cycle ended.
type Outcome string

// Outcomes of an evaluation.
const (
	OutcomeAchieved     Outcome = "achieved"      // joins the promotion-candidate list
	OutcomeExtended     Outcome = "extended"      // a new cycle with a new end date
	OutcomeRoleAdjusted Outcome = "role_adjusted" // moved to a better-fitting role
	OutcomeNotAchieved  Outcome = "not_achieved"
	OutcomeCancelled    Outcome = "cancelled" // the plan is withdrawn
)

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool {
	return o == OutcomeAchieved || o == OutcomeExtended || o == OutcomeRoleAdjusted || o == OutcomeNotAchieved || o == OutcomeCancelled
}

// OutcomeProposal is an outcome a manager (or HR) proposed; HR, someone
// other than the proposer, confirms it before it is final.
type OutcomeProposal struct {
	Outcome    Outcome   `json:"outcome"`
	Lessons    string    `json:"lessons"`           // lessons learned, or the reason to cancel or extend
	NewEnd     time.Time `json:"new_end,omitempty"` // an extension's new end date
	ProposedBy string    `json:"proposed_by"`
	ProposedAt time.Time `json:"proposed_at"`
	// BelowTarget marks "achieved" proposed while a goal is short of its
	// target: HR's confirmation then needs a written reason.
	BelowTarget bool `json:"below_target,omitempty"`
}

// Plan is one performance-improvement plan: the aggregate the engine loads,
// checks and saves as a whole. Logs that grow (updates, interviews, reviews,
// adjustments, notes, audit) live in their own records.
type Plan struct {
	ID       int64  // storage key, unique across tenants
	Tenant   string // every lookup is scoped by it
	Number   int    // short id shown to users (#12), unique within the tenant
	Version  int    // optimistic lock; the store bumps it on save
	Platform string // where the plan was created

	Title        string
	EmployeeID   string
	ManagerID    string
	MentorID     string
	CreatedBy    string
	EmployeeType EmployeeType
	TeamVisible  bool // the team group may see that this plan exists (counts only)

	Status Status
	Cycle  int // 1 for the first cycle, +1 per extension
	Start  time.Time
	End    time.Time

	// Problems are the core problems (绩效差距分析表), each with its
	// numbers, priority and root causes; goals name the problem they address.
	Problems []Problem
	Goals    []Goal
	Actions  []Action

	// Approval routing, decided from the directory when the plan is
	// submitted: who must decide it now, at which stage, who already did.
	Stage        ApprovalStage
	ApproverID   string // the manager stage's approver; at the HR stage any HR but the drafter
	ApprovedBy   string
	HRApprovedBy string
	HRApprovedAt time.Time

	Reason     string    // last request-changes / reject / cancel reason
	ApprovedAt time.Time // final approval of the current version
	AckedAt    time.Time // employee acknowledgment of the current version
	StartedAt  time.Time // first time the plan became active
	Outcome    Outcome
	Lessons    string
	ClosedAt   time.Time
	// Pending is an outcome waiting for HR's confirmation; the plan runs on
	// until it is confirmed.
	Pending *OutcomeProposal

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Goal returns the goal numbered no, or nil.
func (p *Plan) Goal(no int) *Goal {
	for i := range p.Goals {
		if p.Goals[i].No == no {
			return &p.Goals[i]
		}
	}
	return nil
}

// Action returns the action numbered no, or nil.
func (p *Plan) Action(no int) *Action {
	for i := range p.Actions {
		if p.Actions[i].No == no {
			return &p.Actions[i]
		}
	}
	return nil
}

// Progress is the mean progress of the plan's goals, 0–100.
func (p *Plan) Progress() float64 {
	if len(p.Goals) == 0 {
		return 0
	}
	var sum float64
	for _, g := range p.Goals {
		sum += g.Progress()
	}
	return sum / float64(len(p.Goals))
}

// Open reports whether the plan still runs (not closed, cancelled or deleted).
func (p *Plan) Open() bool {
	return p.Status != StatusClosed && p.Status != StatusCancelled && p.Status != StatusDeleted
}

// AllAchieved reports whether every goal is at or past its target.
func (p *Plan) AllAchieved() bool {
	for _, g := range p.Goals {
		if !g.Achieved() {
			return false
		}
	}
	return len(p.Goals) > 0
}

// Tracking reports whether progress can be reported on the plan.
// A plan whose goals were edited keeps tracking while it waits for the
// employee's new acknowledgment.
func (p *Plan) Tracking() bool {
	return p.Status == StatusActive || (p.Status == StatusApproved && !p.StartedAt.IsZero())
}
