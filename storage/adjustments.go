package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

// adjustmentRow is a proposed change of a goal's target in adjustments.
type adjustmentRow struct {
	ID         int64   `gorm:"primaryKey;autoIncrement"`
	Tenant     string  `gorm:"size:191;not null;uniqueIndex:uq_adjustments_plan_no,priority:1"`
	PlanID     int64   `gorm:"not null;uniqueIndex:uq_adjustments_plan_no,priority:2"`
	No         int     `gorm:"not null;uniqueIndex:uq_adjustments_plan_no,priority:3"`
	Goal       int     `gorm:"not null"`
	From       float64 `gorm:"column:from_value;not null"`
	To         float64 `gorm:"column:to_value;not null"`
	Reason     string
	ProposedBy string `gorm:"size:191;not null"`
	ProposedAt *time.Time
	ManagerBy  string `gorm:"size:191;not null"`
	ManagerAt  *time.Time
	HRBy       string     `gorm:"column:hr_by;size:191;not null"`
	HRAt       *time.Time `gorm:"column:hr_at"`
	Override   string
	Status     string `gorm:"size:32;not null"`
	Quarter    string `gorm:"size:16;not null"`
	DecidedAt  *time.Time
	RejectedBy string `gorm:"size:191;not null"`
}

func (adjustmentRow) TableName() string { return "adjustments" }

func adjustmentToRow(a *bot.Adjustment) adjustmentRow {
	return adjustmentRow{
		ID: a.ID, Tenant: a.Tenant, PlanID: a.PlanID, No: a.No, Goal: a.Goal,
		From: a.From, To: a.To, Reason: a.Reason,
		ProposedBy: a.ProposedBy, ProposedAt: toDBTime(a.ProposedAt),
		ManagerBy: a.ManagerBy, ManagerAt: toDBTime(a.ManagerAt),
		HRBy: a.HRBy, HRAt: toDBTime(a.HRAt), Override: a.Override,
		Status: string(a.Status), Quarter: a.Quarter,
		DecidedAt: toDBTime(a.DecidedAt), RejectedBy: a.RejectedBy,
	}
}

func (r *adjustmentRow) adjustment() bot.Adjustment {
	return bot.Adjustment{
		ID: r.ID, Tenant: r.Tenant, PlanID: r.PlanID, No: r.No, Goal: r.Goal,
		From: r.From, To: r.To, Reason: r.Reason,
		ProposedBy: r.ProposedBy, ProposedAt: fromDBTime(r.ProposedAt),
		ManagerBy: r.ManagerBy, ManagerAt: fromDBTime(r.ManagerAt),
		HRBy: r.HRBy, HRAt: fromDBTime(r.HRAt), Override: r.Override,
		Status: bot.AdjustmentStatus(r.Status), Quarter: r.Quarter,
		DecidedAt: fromDBTime(r.DecidedAt), RejectedBy: r.RejectedBy,
	}
}

// SaveAdjustment inserts an adjustment when a.ID is 0, setting a.ID and the
// plan's next a.No; otherwise it updates it (not its plan or No),
// bot.ErrNotFound when the tenant has no such adjustment.
func (db *DB) SaveAdjustment(ctx context.Context, a *bot.Adjustment) error {
	row := adjustmentToRow(a)
	if a.ID != 0 {
		ok, err := updateRecord(ctx, db, &adjustmentRow{}, a.Tenant, a.ID, &row)
		if err == nil && !ok {
			err = bot.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("save adjustment %d: %w", a.ID, err)
		}
		return nil
	}
	err := db.createNumbered(ctx, nextPlanNo(&adjustmentRow{}, a.Tenant, a.PlanID), func(tx *gorm.DB, n int) error {
		row.ID, row.No = 0, n
		return tx.Create(&row).Error
	})
	if err != nil {
		return fmt.Errorf("add adjustment to plan %d: %w", a.PlanID, err)
	}
	a.ID, a.No = row.ID, row.No
	return nil
}

// Adjustments lists a plan's target adjustments, oldest proposal first.
func (db *DB) Adjustments(ctx context.Context, tenant string, planID int64) ([]bot.Adjustment, error) {
	out, err := listRecords(ctx, db, tenant, planID, "proposed_at, id", (*adjustmentRow).adjustment)
	if err != nil {
		return nil, fmt.Errorf("list adjustments of plan %d: %w", planID, err)
	}
	return out, nil
}
