package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// reviewRow is a monthly review in reviews.
type reviewRow struct {
	ID         int64            `gorm:"primaryKey;autoIncrement"`
	Tenant     string           `gorm:"size:191;not null;index:idx_reviews_plan,priority:1"`
	PlanID     int64            `gorm:"not null;index:idx_reviews_plan,priority:2"`
	Month      string           `gorm:"size:16;not null"`
	ReviewerID string           `gorm:"size:191;not null"`
	Goals      []bot.GoalResult `gorm:"serializer:json"`
	Assessment string
	NextSteps  string
	At         *time.Time
}

func (reviewRow) TableName() string { return "reviews" }

func (r *reviewRow) review() bot.Review {
	return bot.Review{
		ID: r.ID, Tenant: r.Tenant, PlanID: r.PlanID, Month: r.Month, ReviewerID: r.ReviewerID,
		Goals: r.Goals, Assessment: r.Assessment, NextSteps: r.NextSteps, At: fromDBTime(r.At),
	}
}

// AddReview stores a monthly review and sets r.ID.
func (db *DB) AddReview(ctx context.Context, r *bot.Review) error {
	row := reviewRow{
		Tenant: r.Tenant, PlanID: r.PlanID, Month: r.Month, ReviewerID: r.ReviewerID,
		Goals: r.Goals, Assessment: r.Assessment, NextSteps: r.NextSteps, At: toDBTime(r.At),
	}
	if err := db.conn(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("add review to plan %d: %w", r.PlanID, err)
	}
	r.ID = row.ID
	return nil
}

// Reviews lists a plan's monthly reviews, oldest first.
func (db *DB) Reviews(ctx context.Context, tenant string, planID int64) ([]bot.Review, error) {
	out, err := listRecords(ctx, db, tenant, planID, "at, id", (*reviewRow).review)
	if err != nil {
		return nil, fmt.Errorf("list reviews of plan %d: %w", planID, err)
	}
	return out, nil
}
