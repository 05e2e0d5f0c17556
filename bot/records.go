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
	// ShortNotice marks an interview booked closer than the tenant's notice
	// days (3 working days); NoticeReason is the booker's stated reason.
	ShortNotice  bool
	NoticeReason string
	// The employee's preparation, asked for before the interview.
	SelfAnalysis string // 自我分析
	Wishes       string // 诉求
	PreparedAt   time.Time
	// The record, structured by the agenda (opening, review, agreement,
	// summary), with the strengths (优势项) and the gaps discussed.
	Record    map[string]string
	Strengths string
	Gaps      string
	// Ratings is the 面谈效果评估: each side rates the interview once.
	Ratings []InterviewRating
	// CalendarSeq is the version of its calendar invitation: 0 when
	// booked, one more on each move and on the cancel.
	CalendarSeq int
}

// InterviewRating is one side's assessment of an interview: 1–5 and a comment.
type InterviewRating struct {
	By      string    `json:"by"`
	Role    Role      `json:"role"`
	Score   int       `json:"score"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
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
// after both the manager and HR confirm it, two different people, and is
// refused beyond AdjustBand per quarter unless the tenant allows HR to
// override with a written reason.
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

// NoteKind says what a note is and so who may read it.
type NoteKind string

// Note kinds. Coaching notes are for the mentor, manager and HR; tracking
// notes are for the manager, mentor and HR (OpTrackRead), never the
// employee; the employee's own words (a comment or a disagreement on
// acknowledging) are for the employee, their managers and HR.
const (
	NoteCoaching NoteKind = ""         // a mentor's or manager's coaching note
	NoteComment  NoteKind = "comment"  // the employee's comment on acknowledging
	NoteDisagree NoteKind = "disagree" // the employee's disagreement, told to HR
	NoteTracking NoteKind = "tracking" // the manager's or mentor's tracking note (绩效改进跟踪日志)
)

// Note is a coaching note, or the employee's comment or disagreement.
type Note struct {
	ID       int64
	Tenant   string
	PlanID   int64
	AuthorID string
	Kind     NoteKind
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

// TrackMark is when an active plan's tracking log was last written: what a
// scheduler needs to remind a manager whose log has gone quiet for two
// weeks. Last is zero when the log is empty.
type TrackMark struct {
	PlanID    int64
	Number    int
	ManagerID string
	Started   time.Time // when the plan first became active
	Last      time.Time
}
