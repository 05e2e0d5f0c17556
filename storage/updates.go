package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// updateRow is a weekly progress report in plan_updates.
type updateRow struct {
	ID       int64  `gorm:"primaryKey;autoIncrement"`
	Tenant   string `gorm:"size:191;not null;index:idx_plan_updates_plan,priority:1"`
	PlanID   int64  `gorm:"not null;index:idx_plan_updates_plan,priority:2"`
	AuthorID string `gorm:"size:191;not null"`
	Week     string `gorm:"size:16;not null"`
	Text     string
	Values   []bot.GoalValue `gorm:"column:goal_values;serializer:json"`
	At       *time.Time      `gorm:"index:idx_plan_updates_plan,priority:3"`
}

func (updateRow) TableName() string { return "plan_updates" }

func (r *updateRow) update() bot.Update {
	return bot.Update{
		ID: r.ID, Tenant: r.Tenant, PlanID: r.PlanID, AuthorID: r.AuthorID,
		Week: r.Week, Text: r.Text, Values: r.Values, At: fromDBTime(r.At),
	}
}

// AddUpdate stores a progress report and sets u.ID.
func (db *DB) AddUpdate(ctx context.Context, u *bot.Update) error {
	row := updateRow{
		Tenant: u.Tenant, PlanID: u.PlanID, AuthorID: u.AuthorID,
		Week: u.Week, Text: u.Text, Values: u.Values, At: toDBTime(u.At),
	}
	if err := db.conn(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("add update to plan %d: %w", u.PlanID, err)
	}
	u.ID = row.ID
	return nil
}

// Updates lists a plan's progress reports, oldest first.
func (db *DB) Updates(ctx context.Context, tenant string, planID int64) ([]bot.Update, error) {
	out, err := listRecords(ctx, db, tenant, planID, "at, id", (*updateRow).update)
	if err != nil {
		return nil, fmt.Errorf("list updates of plan %d: %w", planID, err)
	}
	return out, nil
}

// LatestUpdates returns the newest report of each listed plan that has one
// (newest by At, then ID), for team overviews.
func (db *DB) LatestUpdates(ctx context.Context, tenant string, planIDs []int64) (map[int64]bot.Update, error) {
	latest := make(map[int64]bot.Update, len(planIDs))
	if len(planIDs) == 0 {
		return latest, nil
	}
	var rows []updateRow
	err := db.conn(ctx).
		Where("tenant = ? AND plan_id IN ?", tenant, planIDs).
		Where(`NOT EXISTS (SELECT 1 FROM plan_updates n WHERE n.tenant = plan_updates.tenant AND n.plan_id = plan_updates.plan_id
			AND (n.at > plan_updates.at OR (n.at = plan_updates.at AND n.id > plan_updates.id)))`).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("latest updates of %d plans: %w", len(planIDs), err)
	}
	for i := range rows {
		latest[rows[i].PlanID] = rows[i].update()
	}
	return latest, nil
}
