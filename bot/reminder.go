package bot

import "time"

// ReminderKind names one of the scheduled pushes that keep a plan moving.
type ReminderKind string

// Reminder kinds (docs/architecture.md, "Default schedules").
const (
	RemindInterview     ReminderKind = "interview_notice" // 3 working days before an interview
	RemindWeekly        ReminderKind = "weekly_update"    // Friday 17:00 (or the week's last working day)
	RemindWeeklySummary ReminderKind = "weekly_summary"   // counts for a bound team group
	RemindMissed        ReminderKind = "missed_update"    // next working day 10:00, to the manager
	RemindMissedHR      ReminderKind = "missed_update_hr" // after a second missed week, to HR
	RemindMonthly       ReminderKind = "monthly_review"   // the 25th, 10:00, moved to a working day
	RemindEnding        ReminderKind = "plan_ending"      // 3 working days before the end date
	RemindArchive       ReminderKind = "archive"          // 1 working day after an interview
	RemindTracking      ReminderKind = "tracking_due"     // 14 days without the manager's tracking note, 10:00
	RemindHRDigest      ReminderKind = "hr_digest"        // Monday 10:00, to each HR user
	RemindAction        ReminderKind = "action_due"       // an action's time node, to its owner (ActionDueKey)
)

// ReminderStatus is where a reminder row stands.
type ReminderStatus string

// Reminder statuses.
const (
	ReminderPending   ReminderStatus = "pending"
	ReminderSent      ReminderStatus = "sent"
	ReminderMissed    ReminderStatus = "missed"    // its deadline passed before it could be sent
	ReminderCancelled ReminderStatus = "cancelled" // re-planned away (interview moved, plan ended, update landed)
)

// Reminder is one scheduled push, stored as a row with a unique key
// (Tenant, Subject, Kind, DueKey, Recipient) so that planning it twice
// creates it once, and sent under a lease so that it is delivered once.
type Reminder struct {
	ID        int64
	Tenant    string
	Platform  string
	PlanID    int64  // 0 for a team summary
	Subject   string // what it is about: "plan:12", "interview:34", "chat:oc_x"
	Kind      ReminderKind
	DueKey    string // "2026-W47", "2026-11", "2026-12-03": one per period
	Recipient string // user id, or chat id when ToChat
	ToChat    bool
	DueAt     time.Time // when to send, UTC
	ExpiresAt time.Time // after this it is missed, not sent (catch-up deadline)
	Status    ReminderStatus
	Attempts  int
	// LeaseOwner and LeaseUntil fence the sender: a row is marked sent only
	// by the dispatcher that still holds its lease.
	LeaseOwner  string
	LeaseUntil  time.Time
	SentAt      time.Time
	MessageID   string
	ShortNotice bool // booked later than the notice day: sent at once
	Provisional bool // planned on a calendar year not yet officially published
	CreatedAt   time.Time
}

// Key is the reminder's idempotency key, also used as the platform's
// message key so a resend after a crash is recognised.
func (r Reminder) Key() string {
	return r.Tenant + "|" + r.Subject + "|" + string(r.Kind) + "|" + r.DueKey + "|" + r.Recipient
}
