package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

// auditRow is one line of the append-only audit_log. The store has no method
// that updates or deletes it; keep it that way. Seq, PrevHash and Hash chain
// a tenant's rows (audit_chain.go); (tenant, seq) is unique, so two entries
// cannot take the same place in a chain. Seq 0 and an empty Hash are a row
// written before the chain existed (sealed once by Migrate) or slipped in
// with SQL; the defaults let Migrate add the columns to a filled table.
type auditRow struct {
	ID       int64  `gorm:"primaryKey;autoIncrement"`
	Tenant   string `gorm:"size:191;not null;index:idx_audit_log_plan,priority:1;uniqueIndex:idx_audit_log_seq,priority:1"`
	PlanID   int64  `gorm:"not null;index:idx_audit_log_plan,priority:2"`
	Seq      int64  `gorm:"not null;default:0;uniqueIndex:idx_audit_log_seq,priority:2"`
	ActorID  string `gorm:"size:191;not null"`
	Role     string `gorm:"size:32;not null"`
	Platform string `gorm:"size:32;not null"`
	Action   string `gorm:"size:64;not null"`
	From     string `gorm:"column:from_value"`
	To       string `gorm:"column:to_value"`
	Detail   string
	At       *time.Time
	PrevHash string `gorm:"size:64;not null;default:''"`
	Hash     string `gorm:"size:64;not null;default:''"`
}

func (auditRow) TableName() string { return "audit_log" }

// auditSeqIndex is the unique index on (tenant, seq); its presence tells
// Migrate that the legacy rows have been sealed (audit_migrate.go).
const auditSeqIndex = "idx_audit_log_seq"

func (r *auditRow) entry() bot.AuditEntry {
	return bot.AuditEntry{
		ID: r.ID, Tenant: r.Tenant, PlanID: r.PlanID, ActorID: r.ActorID, Role: bot.Role(r.Role),
		Platform: r.Platform, Action: r.Action, From: r.From, To: r.To, Detail: r.Detail, At: fromDBTime(r.At),
		Seq: r.Seq, PrevHash: r.PrevHash, Hash: r.Hash,
	}
}

func auditToRow(e *bot.AuditEntry) auditRow {
	return auditRow{
		Tenant: e.Tenant, PlanID: e.PlanID, Seq: e.Seq, ActorID: e.ActorID, Role: string(e.Role),
		Platform: e.Platform, Action: e.Action, From: e.From, To: e.To, Detail: e.Detail, At: toDBTime(e.At),
		PrevHash: e.PrevHash, Hash: e.Hash,
	}
}

// AppendAudit adds a line at the end of its tenant's chain and sets e.ID,
// e.Seq, e.PrevHash and e.Hash (and truncates e.At to milliseconds, UTC).
// It locks the tenant's chain head until the transaction ends, so
// concurrent appends of a tenant queue up and the chain stays unbroken. In
// a transaction (InTx) it uses it; otherwise it runs in one of its own.
func (db *DB) AppendAudit(ctx context.Context, e *bot.AuditEntry) error {
	if e.Tenant == "" {
		return errors.New("append audit: empty tenant")
	}
	err := db.chainTx(ctx, func(tx *gorm.DB) error {
		head, err := lockHead(tx, db.kind, e.Tenant)
		if err != nil {
			return err
		}
		e.Seal(head.Seq+1, head.Hash)
		row := auditToRow(e)
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if err := advanceHead(tx, head, e.Seq, e.Hash); err != nil {
			return err
		}
		e.ID = row.ID
		return nil
	})
	if err != nil {
		return fmt.Errorf("append audit %s to plan %d: %w", e.Action, e.PlanID, err)
	}
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

// AuditEntry loads one audit line by its row id, within the tenant, so that
// `pipbot audit verify` can say which plan and action a broken entry is.
func (db *DB) AuditEntry(ctx context.Context, tenant string, id int64) (bot.AuditEntry, error) {
	var row auditRow
	err := db.conn(ctx).Where("tenant = ? AND id = ?", tenant, id).Take(&row).Error
	if err != nil {
		return bot.AuditEntry{}, fmt.Errorf("load audit entry %d: %w", id, notFound(err))
	}
	return row.entry(), nil
}
