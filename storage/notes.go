package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// noteRow is a coaching note, or the employee's comment or disagreement
// (Kind), in coaching_notes.
type noteRow struct {
	ID       int64  `gorm:"primaryKey;autoIncrement"`
	Tenant   string `gorm:"size:191;not null;index:idx_coaching_notes_plan,priority:1"`
	PlanID   int64  `gorm:"not null;index:idx_coaching_notes_plan,priority:2"`
	AuthorID string `gorm:"size:191;not null"`
	Kind     string `gorm:"size:32;not null;default:''"`
	Text     string
	At       *time.Time
}

func (noteRow) TableName() string { return "coaching_notes" }

func (r *noteRow) note() bot.Note {
	return bot.Note{ID: r.ID, Tenant: r.Tenant, PlanID: r.PlanID, AuthorID: r.AuthorID, Kind: bot.NoteKind(r.Kind), Text: r.Text, At: fromDBTime(r.At)}
}

// AddNote stores a coaching note and sets n.ID.
func (db *DB) AddNote(ctx context.Context, n *bot.Note) error {
	row := noteRow{Tenant: n.Tenant, PlanID: n.PlanID, AuthorID: n.AuthorID, Kind: string(n.Kind), Text: n.Text, At: toDBTime(n.At)}
	if err := db.conn(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("add note to plan %d: %w", n.PlanID, err)
	}
	n.ID = row.ID
	return nil
}

// Notes lists a plan's coaching notes, oldest first.
func (db *DB) Notes(ctx context.Context, tenant string, planID int64) ([]bot.Note, error) {
	out, err := listRecords(ctx, db, tenant, planID, "at, id", (*noteRow).note)
	if err != nil {
		return nil, fmt.Errorf("list notes of plan %d: %w", planID, err)
	}
	return out, nil
}
