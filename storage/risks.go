package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/pipbot/pipbot/bot"
)

// planRiskRow is a running plan's last recorded risk rating (bot.RiskMarks):
// what makes a turn to critical alert once, whichever replica sees it.
type planRiskRow struct {
	Tenant    string     `gorm:"primaryKey;size:191"`
	PlanID    int64      `gorm:"primaryKey;autoIncrement:false"`
	Level     string     `gorm:"size:16;not null"`
	ChangedAt *time.Time `gorm:"autoCreateTime:false"`
}

func (planRiskRow) TableName() string { return "plan_risks" }

// RiskLevels returns the recorded rating of each listed plan that has one.
func (db *DB) RiskLevels(ctx context.Context, tenant string, planIDs []int64) (map[int64]bot.RiskLevel, error) {
	out := map[int64]bot.RiskLevel{}
	for i := 0; i < len(planIDs); i += 500 {
		var rows []planRiskRow
		err := db.conn(ctx).Where("tenant = ? AND plan_id IN ?", tenant, planIDs[i:min(i+500, len(planIDs))]).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("risk ratings of tenant %s: %w", tenant, err)
		}
		for _, r := range rows {
			out[r.PlanID] = bot.RiskLevel(r.Level)
		}
	}
	return out, nil
}

// MarkRisk records level as the plan's rating by compare-and-swap: a
// conditional insert of the first rating, or an UPDATE … WHERE level =
// the one read. Of several callers moving the same rating at once, on any
// of the three databases, exactly one sees changed; the others find the
// row already moved and change nothing.
func (db *DB) MarkRisk(ctx context.Context, tenant string, planID int64, level bot.RiskLevel, at time.Time) (bot.RiskLevel, bool, error) {
	g := db.conn(ctx)
	var rows []planRiskRow
	if err := g.Where("tenant = ? AND plan_id = ?", tenant, planID).Limit(1).Find(&rows).Error; err != nil {
		return "", false, fmt.Errorf("read risk of plan %d: %w", planID, err)
	}
	if len(rows) == 0 {
		row := planRiskRow{Tenant: tenant, PlanID: planID, Level: string(level), ChangedAt: toDBTime(at)}
		// As insertNew: MySQL's ON DUPLICATE KEY counts a found row too.
		var skip clause.Expression = clause.OnConflict{DoNothing: true}
		if db.kind == KindMySQL {
			skip = clause.Insert{Modifier: "IGNORE"}
		}
		res := g.Clauses(skip).Create(&row)
		if res.Error != nil {
			return "", false, fmt.Errorf("record risk of plan %d: %w", planID, res.Error)
		}
		return "", res.RowsAffected == 1, nil
	}
	prev := bot.RiskLevel(rows[0].Level)
	if prev == level {
		return prev, false, nil
	}
	res := g.Model(&planRiskRow{}).Where("tenant = ? AND plan_id = ? AND level = ?", tenant, planID, string(prev)).
		Updates(map[string]any{"level": string(level), "changed_at": toDBTime(at)})
	if res.Error != nil {
		return prev, false, fmt.Errorf("record risk of plan %d: %w", planID, res.Error)
	}
	return prev, res.RowsAffected == 1, nil
}
