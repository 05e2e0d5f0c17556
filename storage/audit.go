package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// auditRow is one line of the append-only audit_log. The store has no method
// that updates or deletes it; keep it that way.
type auditRow struct {
	ID       int64  `gorm:"primaryKey;autoIncrement"`
	Tenant   string `gorm:"size:191;not null;index:idx_audit_log_plan,priority:1"`
	PlanID   int64  `gorm:"not null;index:idx_audit_log_plan,priority:2"`
	ActorID  string `gorm:"size:191;not null"`
	Role     string `gorm:"size:32;not null"`
	Platform string `gorm:"size:32;not null"`
	Action   string `gorm:"size:64;not null"`
	From     string `gorm:"column:from_value"`
	To       string `gorm:"column:to_value"`
	Detail   string
	At       *time.Time
}

func (auditRow) TableName() string { return "audit_log" }

func (r *auditRow) entry() bot.AuditEntry {
	return bot.AuditEntry{
		ID: r.ID, Tenant: r.Tenant, PlanID: r.PlanID, ActorID: r.ActorID, Role: bot.Role(r.Role),
		Platform: r.Platform, Action: r.Action, From: r.From, To: r.To, Detail: r.Detail, At: fromDBTime(r.At),
	}
}

// AppendAudit adds a line to the audit log and sets e.ID.
func (db *DB) AppendAudit(ctx context.Context, e *bot.AuditEntry) error {
	row := auditRow{
		Tenant: e.Tenant, PlanID: e.PlanID, ActorID: e.ActorID, Role: string(e.Role),
		Platform: e.Platform, Action: e.Action, From: e.From, To: e.To, Detail: e.Detail, At: toDBTime(e.At),
	}
	if err := db.gdb.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("append audit %s to plan %d: %w", e.Action, e.PlanID, err)
	}
	e.ID = row.ID
	return nil
}

// Audit lists a plan's audit log, oldest first.
func (db *DB) Audit(ctx context.Context, tenant string, planID int64) ([]bot.AuditEntry, error) {
	out, err := listRecords(ctx, db, tenant, planID, "at, id", (*auditRow).entry)
	if err != nil {
		return nil, fmt.Errorf("list audit of plan %d: %w", planID, err)
	}
	return out, nil
}
