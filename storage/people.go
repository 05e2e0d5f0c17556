package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm/clause"
)

// personRow is a person of a tenant's directory in people, keyed by
// (tenant, id).
type personRow struct {
	Tenant    string `gorm:"primaryKey;size:191;index:idx_people_tenant_name,priority:1"`
	ID        string `gorm:"primaryKey;size:191"`
	Name      string `gorm:"size:191;not null;index:idx_people_tenant_name,priority:2"`
	Locale    string `gorm:"size:8;not null"`
	TZ        string `gorm:"column:tz;size:64;not null"`
	ManagerID string `gorm:"size:191;not null"`
	// AssignedManagerID is the manager HR named in chat, kept apart from the
	// platform's so a directory refresh never overwrites it.
	AssignedManagerID string     `gorm:"size:191;not null;default:''"`
	HR                bool       `gorm:"column:hr;not null"`
	UpdatedAt         *time.Time `gorm:"autoUpdateTime:false"`
}

func (personRow) TableName() string { return "people" }

func (r *personRow) person() bot.Person {
	return bot.Person{
		Tenant: r.Tenant, ID: r.ID, Name: r.Name, Locale: bot.Locale(r.Locale), TZ: r.TZ,
		ManagerID: r.ManagerID, AssignedManagerID: r.AssignedManagerID, HR: r.HR, UpdatedAt: fromDBTime(r.UpdatedAt),
	}
}

// SavePerson inserts a person or replaces the profile stored under
// (p.Tenant, p.ID).
func (db *DB) SavePerson(ctx context.Context, p bot.Person) error {
	if p.ID == "" {
		return errors.New("save person: empty id")
	}
	row := personRow{
		Tenant: p.Tenant, ID: p.ID, Name: p.Name, Locale: string(p.Locale), TZ: p.TZ,
		ManagerID: p.ManagerID, AssignedManagerID: p.AssignedManagerID, HR: p.HR, UpdatedAt: toDBTime(p.UpdatedAt),
	}
	err := db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant"}, {Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "locale", "tz", "manager_id", "assigned_manager_id", "hr", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("save person %s: %w", p.ID, err)
	}
	return nil
}

// Person loads one person of the tenant; bot.ErrNotFound when unknown.
func (db *DB) Person(ctx context.Context, tenant, id string) (bot.Person, error) {
	var row personRow
	if err := db.conn(ctx).Where("tenant = ? AND id = ?", tenant, id).Take(&row).Error; err != nil {
		return bot.Person{}, fmt.Errorf("load person %s: %w", id, notFound(err))
	}
	return row.person(), nil
}

// People lists the tenant's people by name (then id).
func (db *DB) People(ctx context.Context, tenant string) ([]bot.Person, error) {
	var rows []personRow
	if err := db.conn(ctx).Where("tenant = ?", tenant).Order("name, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list people of tenant %s: %w", tenant, err)
	}
	out := make([]bot.Person, len(rows))
	for i := range rows {
		out[i] = rows[i].person()
	}
	return out, nil
}
