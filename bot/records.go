package bot

import "time"

// Update is one weekly progress report (跟踪日志): free text plus values per goal.
type Update struct {
	ID       int64
	Tenant   string
	PlanID   int64
	AuthorID string
	Week     string // ISO week it belongs to, "2026-W47", in the author's time zone
	Text     string
	Values   []GoalValue
	At       time.Time
}

// GoalValue is a reported value for one goal.
type GoalValue struct {
	Goal  int     `json:"goal"`
	Value float64 `json:"value"`
}

// InterviewStatus is the state of an interview (面谈).
type InterviewStatus string

// Interview statuses.
const (
	InterviewBooked    InterviewStatus = "booked"
	InterviewDone      InterviewStatus = "done"
	InterviewCancelled InterviewStatus = "cancelled"
)

// AgendaItem is one part of an interview and its minutes.
type AgendaItem struct {
	Topic   string `json:"topic"` // i18n key suffix: opening, review, agreement, summary, or free text
	Minutes int    `json:"minutes"`
}

// DefaultAgenda is the 50-minute structure from the source documents:
// opening 5, review 15, agreement 20, summary 10.
func DefaultAgenda() []AgendaItem {
	return []AgendaItem{{"opening", 5}, {"review", 15}, {"agreement", 20}, {"summary", 10}}
}

// Interview is a booked meeting between employee and manager (HR if invited).
type Interview struct {
	ID          int64
	Tenant      string
	PlanID      int64
	No          int // 1-based within the plan
	At          time.Time
	Minutes     int
	Agenda      []AgendaItem
	Attendees   []string // user IDs
	Status      InterviewStatus
	Notes       string
	EmployeeOK  time.Time // employee confirmed the written plan
	ManagerOK   time.Time // manager confirmed the written plan
	BookedBy    string
	BookedAt    time.Time
	CancelledAt time.Time
}

// Review is a monthly review: each goal's actual against its target.
type Review struct {
	ID         int64
	Tenant     string
	PlanID     int64
	Month      string // "2026-11"
	ReviewerID string
	Goals      []GoalResult
	Assessment string
	NextSteps  string
	At         time.Time
}

// GoalResult is one goal's figures at a review or at the end of a cycle.
type GoalResult struct {
	Goal   int     `json:"goal"`
	Metric string  `json:"metric"`
	Target float64 `json:"target"`
	Actual float64 `json:"actual"`
	Unit   string  `json:"unit,omitempty"`
}

// AdjustmentStatus is the state of a target adjustment.
type AdjustmentStatus string

// Adjustment statuses.
const (
	AdjustPending  AdjustmentStatus = "pending"
	AdjustApplied  AdjustmentStatus = "applied"
	AdjustRejected AdjustmentStatus = "rejected"
)

// Adjustment is a proposed change of one goal's target. It is applied only
// after both the manager and HR confirm it, and refused beyond MaxQuarterChange
// per quarter unless HR overrides with a written reason.
type Adjustment struct {
	ID         int64
	Tenant     string
	PlanID     int64
	No         int
	Goal       int
	From       float64
	To         float64
	Reason     string
	ProposedBy string
	ProposedAt time.Time
	ManagerBy  string
	ManagerAt  time.Time
	HRBy       string
	HRAt       time.Time
	Override   string // HR's written reason for going past the quarterly limit
	Status     AdjustmentStatus
	Quarter    string // "2026-Q4", the quarter it counts against
	DecidedAt  time.Time
	RejectedBy string
}

// MaxQuarterChange is the largest total change of a goal's target allowed in
// one quarter without an HR override (the documents say 10–15%).
const MaxQuarterChange = 0.15

// Note is a coaching note by a mentor or manager.
type Note struct {
	ID       int64
	Tenant   string
	PlanID   int64
	AuthorID string
	Text     string
	At       time.Time
}

// AuditEntry is one line of a plan's audit log. The log is append-only:
// no command edits or deletes it, and the store offers no way to.
type AuditEntry struct {
	ID       int64
	Tenant   string
	PlanID   int64
	ActorID  string
	Role     Role
	Platform string
	Action   string // the operation, e.g. "plan.approve"
	From     string // old value or status
	To       string // new value or status
	Detail   string // short, non-sensitive summary
	At       time.Time
	// Seq, PrevHash and Hash chain the tenant's entries (audit_chain.go);
	// the store sets them when it appends.
	Seq      int64
	PrevHash string
	Hash     string
}
