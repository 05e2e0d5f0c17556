package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pipbot/pipbot/bot"
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
	if err := db.conn(ctx).CreateInBatches(&rows, 500).Error; err != nil {
		return fmt.Errorf("record %d plan changes in tenant %s: %w", len(ids), tenant, err)
	}
	return nil
}

// PlansChangedSince lists, by tenant, the plans whose reminders may have
// changed: those recorded after seq afterSeq, and those whose own row,
// progress updates, people (employee or manager, a person named as an
// action's owner, or any HR user of the tenant), team chat or interview bookings were stamped at or after since;
// a zero since reads the recorded changes alone. last is the highest seq
// read. Interviews moved without a new booking carry no stamp: the
// engine's change hook re-plans those (and records them when it cannot).
// The stamps are read through indexes (changeIndexes), so a pass with
// little changed reads little.
func (db *DB) PlansChangedSince(ctx context.Context, afterSeq int64, since time.Time) (changed map[string][]int64, last int64, err error) {
	g := db.conn(ctx)
	var refs []planRef
	var recorded []planChangeRow
	if err := g.Where("seq > ?", afterSeq).Order("seq").Find(&recorded).Error; err != nil {
		return nil, 0, fmt.Errorf("plan changes after %d: %w", afterSeq, err)
	}
	last = afterSeq
	for _, r := range recorded {
		refs = append(refs, planRef{r.Tenant, r.PlanID})
		last = r.Seq
	}
	if !since.IsZero() {
		stamped, err := db.stampedPlans(ctx, normTime(since))
		if err != nil {
			return nil, 0, fmt.Errorf("plans changed since %s: %w", since.UTC().Format(time.RFC3339), err)
		}
		refs = append(refs, stamped...)
	}
	changed = map[string][]int64{}
	seen := map[planRef]bool{}
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			changed[r.Tenant] = append(changed[r.Tenant], r.PlanID)
		}
	}
	return changed, last, nil
}

// planRef names a plan.
type planRef struct {
	Tenant string
	PlanID int64
}

// stampedPlans lists the plans whose data was stamped at or after since.
func (db *DB) stampedPlans(ctx context.Context, since time.Time) ([]planRef, error) {
	g := db.conn(ctx)
	var refs []planRef
	for _, q := range []*gorm.DB{
		g.Table("plans").Select("tenant, id AS plan_id").Where("updated_at >= ?", since),
		g.Table("plan_updates").Select("tenant, plan_id").Where("at >= ?", since),
		g.Table("interviews").Select("tenant, plan_id").Where("booked_at >= ? OR cancelled_at >= ?", since, since),
		g.Table("coaching_notes").Select("tenant, plan_id").Where("kind = ? AND at >= ?", string(bot.NoteTracking), since),
	} {
		var part []planRef
		if err := q.Scan(&part).Error; err != nil {
			return nil, err
		}
		refs = append(refs, part...)
	}
	// People and team chats: the open plans they take part in; an HR user
	// takes part in every plan of the tenant (escalations).
	var people []struct {
		Tenant, ID string
		HR         bool `gorm:"column:hr"`
	}
	if err := g.Table("people").Select("tenant, id, hr").Where("updated_at >= ?", since).Scan(&people).Error; err != nil {
		return nil, err
	}
	var chats []struct{ Tenant, ManagerID string }
	if err := g.Table("team_chats").Select("tenant, manager_id").Where("bound_at >= ?", since).Scan(&chats).Error; err != nil {
		return nil, err
	}
	everyone := map[string]bool{}
	byTenant := map[string][]string{}
	for _, p := range people {
		if p.HR {
			everyone[p.Tenant] = true
		}
		byTenant[p.Tenant] = append(byTenant[p.Tenant], p.ID)
	}
	managers := map[string][]string{}
	for _, c := range chats {
		managers[c.Tenant] = append(managers[c.Tenant], c.ManagerID)
	}
	open := func(tenant string) *gorm.DB {
		return g.Table("plans").Select("tenant, id AS plan_id").Where("tenant = ? AND status NOT IN ?", tenant, endedStatuses)
	}
	var qs []*gorm.DB
	for tenant := range everyone {
		qs = append(qs, open(tenant))
	}
	for tenant, ids := range byTenant {
		if everyone[tenant] {
			continue
		}
		for chunk := range slices.Chunk(ids, 500) {
			qs = append(qs, open(tenant).Where("employee_id IN ?", chunk), open(tenant).Where("manager_id IN ?", chunk))
		}
		// A person named as an action's owner is reminded in their zone:
		// the plans with such an owner, whoever they are (one query, not
		// one per person a directory sync touched).
		qs = append(qs, open(tenant).Where("actions LIKE ?", namedOwnerMark))
	}
	for tenant, ids := range managers {
		if !everyone[tenant] {
			qs = append(qs, open(tenant).Where("manager_id IN ?", ids))
		}
	}
	for _, q := range qs {
		var part []planRef
		if err := q.Scan(&part).Error; err != nil {
			return nil, err
		}
		refs = append(refs, part...)
	}
	return refs, nil
}

// namedOwnerMark matches the stored actions of a plan with an action owned
// by a named person (only those store an owner's ID).
const namedOwnerMark = `%"owner":"%`

// changeIndexes are the indexes stampedPlans reads through, on tables whose
// models belong elsewhere; Migrate creates those missing.
var changeIndexes = []struct{ name, table, column string }{
	{"idx_plans_updated_at", "plans", "updated_at"},
	{"idx_plan_updates_at", "plan_updates", "at"},
	{"idx_people_updated_at", "people", "updated_at"},
	{"idx_coaching_notes_at", "coaching_notes", "at"},
}

// migrateChangeIndexes creates the missing changeIndexes.
func migrateChangeIndexes(g *gorm.DB) error {
	for _, ix := range changeIndexes {
		if g.Migrator().HasIndex(ix.table, ix.name) {
			continue
		}
		if err := g.Exec("CREATE INDEX " + ix.name + " ON " + ix.table + " (" + ix.column + ")").Error; err != nil {
			return fmt.Errorf("create index %s: %w", ix.name, err)
		}
	}
	return nil
}

// PrunePlanChanges deletes the recorded changes up to seq, once planned.
func (db *DB) PrunePlanChanges(ctx context.Context, upTo int64) error {
	if err := db.conn(ctx).Where("seq <= ?", upTo).Delete(&planChangeRow{}).Error; err != nil {
		return fmt.Errorf("prune plan changes up to %d: %w", upTo, err)
	}
	return nil
}

// PlannerMark reads the mark called name, "" when there is none yet.
func (db *DB) PlannerMark(ctx context.Context, name string) (string, error) {
	var row plannerMarkRow
	err := db.conn(ctx).Where("name = ?", name).Take(&row).Error
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
	err := db.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"value"})}).Create(&plannerMarkRow{Name: name, Value: value}).Error
	if err != nil {
		return fmt.Errorf("write planner mark %s: %w", name, err)
	}
	return nil
}
