package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// planChangeRow records that a plan's reminders must be planned again: the
// planner's change hook writes one when it could not re-plan at once (a
// failed write, a full queue, a shutdown), so that the next planning pass,
// on any replica, does. Seq orders them; a pass reads those after its mark.
type planChangeRow struct {
	Seq    int64  `gorm:"primaryKey;autoIncrement"`
	Tenant string `gorm:"size:191;not null"`
	PlanID int64  `gorm:"not null"`
}

func (planChangeRow) TableName() string { return "plan_changes" }

// plannerMarkRow is a planner's high-water mark, kept in the database so
// that a restarted process or another replica continues where the last
// pass stopped. The value is the scheduler's own encoding.
type plannerMarkRow struct {
	Name  string `gorm:"primaryKey;size:64"`
	Value string `gorm:"not null"`
}

func (plannerMarkRow) TableName() string { return "planner_marks" }

// RecordPlanChanges notes that the tenant's plans ids must be planned again.
func (db *DB) RecordPlanChanges(ctx context.Context, tenant string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	rows := make([]planChangeRow, len(ids))
	for i, id := range ids {
		rows[i] = planChangeRow{Tenant: tenant, PlanID: id}
	}
	if err := db.gdb.WithContext(ctx).CreateInBatches(&rows, 500).Error; err != nil {
		return fmt.Errorf("record %d plan changes in tenant %s: %w", len(ids), tenant, err)
	}
	return nil
}

// PlansChangedSince lists, by tenant, the plans whose reminders may have
// changed: those recorded after seq afterSeq, and those whose own row,
// progress updates, people (employee or manager, or any HR user of the
// tenant), team chat or interview bookings were stamped at or after since; a zero since reads the recorded
// changes alone. last is the highest seq read.
// Interviews moved without a new booking carry no stamp: the engine's
// change hook re-plans those (and records them when it cannot).
func (db *DB) PlansChangedSince(ctx context.Context, afterSeq int64, since time.Time) (changed map[string][]int64, last int64, err error) {
	g := db.gdb.WithContext(ctx)
	since = normTime(since)
	type ref struct {
		Tenant string
		PlanID int64
	}
	var refs []ref
	var recorded []planChangeRow
	if err := g.Where("seq > ?", afterSeq).Order("seq").Find(&recorded).Error; err != nil {
		return nil, 0, fmt.Errorf("plan changes after %d: %w", afterSeq, err)
	}
	last = afterSeq
	for _, r := range recorded {
		refs = append(refs, ref{r.Tenant, r.PlanID})
		last = r.Seq
	}
	var queries []*gorm.DB
	if !since.IsZero() {
		queries = []*gorm.DB{
			g.Table("plans").Select("tenant, id AS plan_id").Where("updated_at >= ?", since),
			g.Table("plan_updates").Select("tenant, plan_id").Where("at >= ?", since),
			g.Table("interviews").Select("tenant, plan_id").Where("booked_at >= ? OR cancelled_at >= ?", since, since),
			g.Table("plans").Select("plans.tenant, plans.id AS plan_id").
				Joins("JOIN people ON people.tenant = plans.tenant AND (people.id = plans.employee_id OR people.id = plans.manager_id)").
				Where("people.updated_at >= ? AND plans.status NOT IN ?", since, endedStatuses),
			// An HR user is a recipient of every plan's escalations.
			g.Table("plans").Select("plans.tenant, plans.id AS plan_id").
				Joins("JOIN people ON people.tenant = plans.tenant AND people.hr = ?", true).
				Where("people.updated_at >= ? AND plans.status NOT IN ?", since, endedStatuses),
			g.Table("plans").Select("plans.tenant, plans.id AS plan_id").
				Joins("JOIN team_chats ON team_chats.tenant = plans.tenant AND team_chats.manager_id = plans.manager_id").
				Where("team_chats.bound_at >= ? AND plans.status NOT IN ?", since, endedStatuses),
		}
	}
	for _, q := range queries {
		var part []ref
		if err := q.Scan(&part).Error; err != nil {
			return nil, 0, fmt.Errorf("plans changed since %s: %w", since.Format(time.RFC3339), err)
		}
		refs = append(refs, part...)
	}
	changed = map[string][]int64{}
	seen := map[ref]bool{}
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			changed[r.Tenant] = append(changed[r.Tenant], r.PlanID)
		}
	}
	return changed, last, nil
}

// PrunePlanChanges deletes the recorded changes up to seq, once planned.
func (db *DB) PrunePlanChanges(ctx context.Context, upTo int64) error {
	if err := db.gdb.WithContext(ctx).Where("seq <= ?", upTo).Delete(&planChangeRow{}).Error; err != nil {
		return fmt.Errorf("prune plan changes up to %d: %w", upTo, err)
	}
	return nil
}

// PlannerMark reads the mark called name, "" when there is none yet.
func (db *DB) PlannerMark(ctx context.Context, name string) (string, error) {
	var row plannerMarkRow
	err := db.gdb.WithContext(ctx).Where("name = ?", name).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read planner mark %s: %w", name, err)
	}
	return row.Value, nil
}

// SetPlannerMark writes the mark called name.
func (db *DB) SetPlannerMark(ctx context.Context, name, value string) error {
	err := db.gdb.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"value"})}).Create(&plannerMarkRow{Name: name, Value: value}).Error
	if err != nil {
		return fmt.Errorf("write planner mark %s: %w", name, err)
	}
	return nil
}
