package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// interviewEventRow remembers the platform calendar event made for an
// interview (a Feishu calendar v4 event of the app's calendar), so a move
// patches it, a cancel deletes it and its attendees' answers can be read.
// The platform adapter owns the fact; the engine never sees event ids.
type interviewEventRow struct {
	Tenant      string `gorm:"size:191;primaryKey"`
	InterviewID int64  `gorm:"primaryKey;autoIncrement:false"`
	CalendarID  string `gorm:"size:255;not null"`
	EventID     string `gorm:"size:255;not null"`
	// Sequence is the interview's invitation version the event shows,
	// -1 while it is made but not yet complete (its attendees).
	Sequence  int `gorm:"not null;default:0"`
	UpdatedAt *time.Time
}

func (interviewEventRow) TableName() string { return "interview_events" }

// InterviewEvent returns the calendar and event ids stored for an
// interview and the invitation version its event shows; bot.ErrNotFound
// when there are none.
func (db *DB) InterviewEvent(ctx context.Context, tenant string, interviewID int64) (calendarID, eventID string, sequence int, err error) {
	var row interviewEventRow
	err = db.conn(ctx).Where("tenant = ? AND interview_id = ?", tenant, interviewID).Take(&row).Error
	if err != nil {
		return "", "", 0, fmt.Errorf("load calendar event of interview %d: %w", interviewID, notFound(err))
	}
	return row.CalendarID, row.EventID, row.Sequence, nil
}

// SaveInterviewEvent stores (or replaces) the event made for an interview
// and the version it shows.
func (db *DB) SaveInterviewEvent(ctx context.Context, tenant string, interviewID int64, calendarID, eventID string, sequence int) error {
	row := interviewEventRow{Tenant: tenant, InterviewID: interviewID, CalendarID: calendarID, EventID: eventID,
		Sequence: sequence, UpdatedAt: toDBTime(time.Now())}
	err := db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant"}, {Name: "interview_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"calendar_id", "event_id", "sequence", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("save calendar event of interview %d: %w", interviewID, err)
	}
	return nil
}

// DeleteInterviewEvent forgets an interview's event; no error when none.
func (db *DB) DeleteInterviewEvent(ctx context.Context, tenant string, interviewID int64) error {
	err := db.conn(ctx).Where("tenant = ? AND interview_id = ?", tenant, interviewID).
		Delete(&interviewEventRow{}).Error
	if err != nil {
		return fmt.Errorf("forget calendar event of interview %d: %w", interviewID, err)
	}
	return nil
}
