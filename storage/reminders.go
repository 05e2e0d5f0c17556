package storage

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/pipbot/pipbot/bot"
)

// ReminderFilter selects reminders for ListReminders (`pipbot jobs list`).
// Zero fields match everything; From is inclusive and To exclusive on the
// due time; Limit 0 means no limit. It is an alias of an unnamed struct type
// so that the scheduler can declare the identical type in its own port
// without either package importing the other.
type ReminderFilter = struct {
	From, To time.Time
	Status   bot.ReminderStatus
	Kind     bot.ReminderKind
	Limit    int
}

// Column sizes of reminders, in characters. The unique key is the hash of
// its five parts, because the parts together (191+191+32+32+191 characters
// of utf8mb4) are longer than MySQL's 3072-byte index limit.
const (
	maxReminderTenant    = 191
	maxReminderSubject   = 191
	maxReminderKind      = 32
	maxReminderDueKey    = 32
	maxReminderRecipient = 191
	maxReminderPlatform  = 32
	maxReminderMessageID = 191
)

// reminderRow is a bot.Reminder in the reminders table: the outbox that the
// planner fills idempotently and the dispatchers drain under leases.
// KeyHash is unique over (tenant, subject, kind, due_key, recipient); the
// lease columns are NULL until a dispatcher claims the row.
type reminderRow struct {
	ID          int64      `gorm:"primaryKey;autoIncrement;index:idx_reminders_claim,priority:3"`
	KeyHash     string     `gorm:"size:64;not null;uniqueIndex:uq_reminders_key"`
	Tenant      string     `gorm:"size:191;not null;index:idx_reminders_subject,priority:1;index:idx_reminders_tenant_due,priority:1"`
	Platform    string     `gorm:"size:32;not null"`
	PlanID      int64      `gorm:"not null"`
	Subject     string     `gorm:"size:191;not null;index:idx_reminders_subject,priority:2"`
	Kind        string     `gorm:"size:32;not null"`
	DueKey      string     `gorm:"size:32;not null"`
	Recipient   string     `gorm:"size:191;not null"`
	ToChat      bool       `gorm:"not null"`
	Status      string     `gorm:"size:16;not null;index:idx_reminders_claim,priority:1;index:idx_reminders_subject,priority:3"`
	DueAt       *time.Time `gorm:"not null;index:idx_reminders_claim,priority:2;index:idx_reminders_tenant_due,priority:2"`
	ExpiresAt   *time.Time
	Attempts    int     `gorm:"not null"`
	LeaseOwner  *string `gorm:"size:191"`
	LeaseUntil  *time.Time
	SentAt      *time.Time
	MissedAt    *time.Time
	MessageID   string     `gorm:"size:191;not null"`
	ShortNotice bool       `gorm:"not null"`
	Provisional bool       `gorm:"not null"`
	CreatedAt   *time.Time `gorm:"autoCreateTime:false"`
}

func (reminderRow) TableName() string { return "reminders" }

// reminderToRow prepares a new pending row; ID, status and the lease and
// delivery fields of r are ignored.
func reminderToRow(r *bot.Reminder) reminderRow {
	return reminderRow{
		KeyHash: reminderKeyHash(r), Tenant: r.Tenant, Platform: r.Platform, PlanID: r.PlanID,
		Subject: r.Subject, Kind: string(r.Kind), DueKey: r.DueKey, Recipient: r.Recipient, ToChat: r.ToChat,
		Status: string(bot.ReminderPending), DueAt: toDBTime(r.DueAt), ExpiresAt: toDBTime(r.ExpiresAt),
		ShortNotice: r.ShortNotice, Provisional: r.Provisional, CreatedAt: toDBTime(r.CreatedAt),
	}
}

func (row *reminderRow) reminder() bot.Reminder {
	r := bot.Reminder{
		ID: row.ID, Tenant: row.Tenant, Platform: row.Platform, PlanID: row.PlanID,
		Subject: row.Subject, Kind: bot.ReminderKind(row.Kind), DueKey: row.DueKey,
		Recipient: row.Recipient, ToChat: row.ToChat,
		DueAt: fromDBTime(row.DueAt), ExpiresAt: fromDBTime(row.ExpiresAt),
		Status: bot.ReminderStatus(row.Status), Attempts: row.Attempts,
		LeaseUntil: fromDBTime(row.LeaseUntil), SentAt: fromDBTime(row.SentAt), MessageID: row.MessageID,
		ShortNotice: row.ShortNotice, Provisional: row.Provisional, CreatedAt: fromDBTime(row.CreatedAt),
	}
	if row.LeaseOwner != nil {
		r.LeaseOwner = *row.LeaseOwner
	}
	return r
}

// reminderKeyHash is the hex SHA-256 of the unique key's five parts, each
// prefixed with its length, so that no two distinct keys share an encoding
// (bot.Reminder.Key joins them with "|", which the parts may contain).
func reminderKeyHash(r *bot.Reminder) string {
	h := sha256.New()
	for _, part := range []string{r.Tenant, r.Subject, string(r.Kind), r.DueKey, r.Recipient} {
		h.Write(binary.AppendUvarint(nil, uint64(len(part))))
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkReminder reports what makes r unfit to be stored: a missing key part
// or due time, or a column longer than its size.
func checkReminder(r *bot.Reminder) error {
	if r.Tenant == "" || r.Subject == "" || r.Kind == "" || r.DueKey == "" || r.Recipient == "" {
		return errors.New("tenant, subject, kind, due key and recipient are required")
	}
	if r.DueAt.IsZero() {
		return errors.New("no due time")
	}
	for _, c := range []struct {
		name, value string
		max         int
	}{
		{"tenant", r.Tenant, maxReminderTenant}, {"subject", r.Subject, maxReminderSubject},
		{"kind", string(r.Kind), maxReminderKind}, {"due key", r.DueKey, maxReminderDueKey},
		{"recipient", r.Recipient, maxReminderRecipient}, {"platform", r.Platform, maxReminderPlatform},
	} {
		if utf8.RuneCountInString(c.value) > c.max {
			return fmt.Errorf("%s longer than %d characters", c.name, c.max)
		}
	}
	return nil
}
