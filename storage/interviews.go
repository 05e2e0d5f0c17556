package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

// interviewRow is a booked interview (面谈) in interviews.
type interviewRow struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	Tenant      string `gorm:"size:191;not null;uniqueIndex:uq_interviews_plan_no,priority:1"`
	PlanID      int64  `gorm:"not null;uniqueIndex:uq_interviews_plan_no,priority:2"`
	No          int    `gorm:"not null;uniqueIndex:uq_interviews_plan_no,priority:3"`
	At          *time.Time
	Minutes     int              `gorm:"not null"`
	Agenda      []bot.AgendaItem `gorm:"serializer:json"`
	Attendees   []string         `gorm:"serializer:json"`
	Status      string           `gorm:"size:32;not null"`
	Notes       string
	EmployeeOK  *time.Time
	ManagerOK   *time.Time
	BookedBy    string `gorm:"size:191;not null"`
	BookedAt    *time.Time
	CancelledAt *time.Time

	ShortNotice  bool `gorm:"not null;default:false"`
	NoticeReason string
	SelfAnalysis string
	Wishes       string
	PreparedAt   *time.Time
	Record       map[string]string `gorm:"serializer:json"`
	Strengths    string
	Gaps         string
	Ratings      []bot.InterviewRating `gorm:"serializer:json"`
	// CalendarSeq is the invitation's version (bot.Interview.CalendarSeq).
	CalendarSeq int `gorm:"not null;default:0"`
}

func (interviewRow) TableName() string { return "interviews" }

func interviewToRow(iv *bot.Interview) interviewRow {
	return interviewRow{
		ID: iv.ID, Tenant: iv.Tenant, PlanID: iv.PlanID, No: iv.No,
		At: toDBTime(iv.At), Minutes: iv.Minutes, Agenda: iv.Agenda, Attendees: iv.Attendees,
		Status: string(iv.Status), Notes: iv.Notes,
		EmployeeOK: toDBTime(iv.EmployeeOK), ManagerOK: toDBTime(iv.ManagerOK),
		BookedBy: iv.BookedBy, BookedAt: toDBTime(iv.BookedAt), CancelledAt: toDBTime(iv.CancelledAt),
		ShortNotice: iv.ShortNotice, NoticeReason: iv.NoticeReason, SelfAnalysis: iv.SelfAnalysis, Wishes: iv.Wishes,
		PreparedAt: toDBTime(iv.PreparedAt), Record: iv.Record, Strengths: iv.Strengths, Gaps: iv.Gaps,
		Ratings: normRatings(iv.Ratings), CalendarSeq: iv.CalendarSeq,
	}
}

// normRatings copies ratings with their times in stored form.
func normRatings(rs []bot.InterviewRating) []bot.InterviewRating {
	if rs == nil {
		return nil
	}
	out := make([]bot.InterviewRating, len(rs))
	for i, r := range rs {
		r.At = normTime(r.At)
		out[i] = r
	}
	return out
}

func (r *interviewRow) interview() bot.Interview {
	return bot.Interview{
		ID: r.ID, Tenant: r.Tenant, PlanID: r.PlanID, No: r.No,
		At: fromDBTime(r.At), Minutes: r.Minutes, Agenda: r.Agenda, Attendees: r.Attendees,
		Status: bot.InterviewStatus(r.Status), Notes: r.Notes,
		EmployeeOK: fromDBTime(r.EmployeeOK), ManagerOK: fromDBTime(r.ManagerOK),
		BookedBy: r.BookedBy, BookedAt: fromDBTime(r.BookedAt), CancelledAt: fromDBTime(r.CancelledAt),
		ShortNotice: r.ShortNotice, NoticeReason: r.NoticeReason, SelfAnalysis: r.SelfAnalysis, Wishes: r.Wishes,
		PreparedAt: fromDBTime(r.PreparedAt), Record: r.Record, Strengths: r.Strengths, Gaps: r.Gaps, Ratings: r.Ratings,
		CalendarSeq: r.CalendarSeq,
	}
}

// SaveInterview inserts an interview when iv.ID is 0, setting iv.ID and the
// plan's next iv.No; otherwise it updates the interview (not its plan or No),
// bot.ErrNotFound when the tenant has no such interview.
func (db *DB) SaveInterview(ctx context.Context, iv *bot.Interview) error {
	row := interviewToRow(iv)
	if iv.ID != 0 {
		ok, err := updateRecord(ctx, db, &interviewRow{}, iv.Tenant, iv.ID, &row)
		if err == nil && !ok {
			err = bot.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("save interview %d: %w", iv.ID, err)
		}
		return nil
	}
	err := db.createNumbered(ctx, nextPlanNo(&interviewRow{}, iv.Tenant, iv.PlanID), func(tx *gorm.DB, n int) error {
		row.ID, row.No = 0, n
		return tx.Create(&row).Error
	})
	if err != nil {
		return fmt.Errorf("add interview to plan %d: %w", iv.PlanID, err)
	}
	iv.ID, iv.No = row.ID, row.No
	return nil
}

// Interviews lists a plan's interviews, oldest first.
func (db *DB) Interviews(ctx context.Context, tenant string, planID int64) ([]bot.Interview, error) {
	out, err := listRecords(ctx, db, tenant, planID, "at, id", (*interviewRow).interview)
	if err != nil {
		return nil, fmt.Errorf("list interviews of plan %d: %w", planID, err)
	}
	return out, nil
}
