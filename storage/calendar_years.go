package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// CalendarYear is one year's State Council notice imported with `pipbot
// calendar import`, kept in the database so that every replica of serve
// loads it without a new release. The storage keeps the holiday file as
// given; the calendar package parses and checks it.
type CalendarYear struct {
	Year int
	// Name is the stored file's name; its extension tells the format.
	Name string
	Data []byte
	// Source says where it came from, for `pipbot calendar YEAR`.
	Source string
	// Replace allows it to replace a year the compiled data publishes.
	Replace    bool
	ImportedAt time.Time
}

// calendarYearRow is a CalendarYear; one row per year, a new import of the
// year replaces it.
type calendarYearRow struct {
	Year       int    `gorm:"primaryKey;autoIncrement:false"`
	Name       string `gorm:"size:191;not null"`
	Data       []byte `gorm:"not null"`
	Source     string `gorm:"size:512;not null"`
	Replace    bool   `gorm:"column:allow_replace;not null"`
	ImportedAt *time.Time
}

func (calendarYearRow) TableName() string { return "calendar_years" }

// SaveCalendarYears stores the years, each replacing any earlier import
// of the same year, in one transaction.
func (db *DB) SaveCalendarYears(ctx context.Context, years []CalendarYear) error {
	if len(years) == 0 {
		return nil
	}
	rows := make([]calendarYearRow, 0, len(years))
	for _, y := range years {
		rows = append(rows, calendarYearRow{Year: y.Year, Name: y.Name, Data: y.Data, Source: y.Source,
			Replace: y.Replace, ImportedAt: toDBTime(y.ImportedAt)})
	}
	err := db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "year"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "data", "source", "allow_replace", "imported_at"}),
	}).Create(&rows).Error
	if err != nil {
		return fmt.Errorf("save calendar years: %w", err)
	}
	return nil
}

// CalendarYears lists the imported years by year.
func (db *DB) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	var rows []calendarYearRow
	if err := db.conn(ctx).Order("year").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list calendar years: %w", err)
	}
	out := make([]CalendarYear, 0, len(rows))
	for _, r := range rows {
		out = append(out, CalendarYear{Year: r.Year, Name: r.Name, Data: r.Data, Source: r.Source,
			Replace: r.Replace, ImportedAt: fromDBTime(r.ImportedAt)})
	}
	return out, nil
}
