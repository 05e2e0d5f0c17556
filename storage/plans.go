package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

// CreatePlan stores a new plan with the tenant's next Number and Version 1,
// and sets p.ID, p.Number and p.Version. p.ID and p.Number are ignored on input.
func (db *DB) CreatePlan(ctx context.Context, p *bot.Plan) error {
	if p.Tenant == "" {
		return errors.New("create plan: empty tenant")
	}
	row := planToRow(p)
	row.ID, row.Version = 0, 1
	err := db.createNumbered(ctx,
		func(tx *gorm.DB) (int, error) {
			return nextNumber(tx, &planRow{}, "number", "tenant = ?", p.Tenant)
		},
		func(tx *gorm.DB, n int) error {
			row.ID, row.Number = 0, n
			return tx.Create(&row).Error
		})
	if err != nil {
		return fmt.Errorf("create plan in tenant %s: %w", p.Tenant, err)
	}
	p.ID, p.Number, p.Version = row.ID, row.Number, row.Version
	return nil
}

// PlanByNumber loads a plan by its short id in the tenant.
func (db *DB) PlanByNumber(ctx context.Context, tenant string, number int) (*bot.Plan, error) {
	var row planRow
	err := db.conn(ctx).Where("tenant = ? AND number = ?", tenant, number).Take(&row).Error
	if err != nil {
		return nil, fmt.Errorf("load plan #%d: %w", number, notFound(err))
	}
	return row.plan(), nil
}

// PlanByID loads a plan by its storage id, within the tenant.
func (db *DB) PlanByID(ctx context.Context, tenant string, id int64) (*bot.Plan, error) {
	var row planRow
	err := db.conn(ctx).Where("tenant = ? AND id = ?", tenant, id).Take(&row).Error
	if err != nil {
		return nil, fmt.Errorf("load plan %d: %w", id, notFound(err))
	}
	return row.plan(), nil
}

// SavePlan writes the whole plan if p.Version is still the stored one and
// then bumps p.Version. A stale version is bot.ErrConflict; a plan that is
// not in p.Tenant is bot.ErrNotFound. ID, tenant, number and CreatedAt never
// change.
func (db *DB) SavePlan(ctx context.Context, p *bot.Plan) error {
	row := planToRow(p)
	row.Version = p.Version + 1
	g := db.conn(ctx)
	res := g.Model(&planRow{}).
		Where("id = ? AND tenant = ? AND version = ?", p.ID, p.Tenant, p.Version).
		Select("*").Omit("id", "tenant", "number", "created_at").
		Updates(&row)
	if res.Error != nil {
		return fmt.Errorf("save plan %d: %w", p.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		var n int64
		if err := g.Model(&planRow{}).Where("id = ? AND tenant = ?", p.ID, p.Tenant).Count(&n).Error; err != nil {
			return fmt.Errorf("save plan %d: %w", p.ID, err)
		}
		if n == 0 {
			return fmt.Errorf("save plan %d: %w", p.ID, bot.ErrNotFound)
		}
		return fmt.Errorf("save plan %d at version %d: %w", p.ID, p.Version, bot.ErrConflict)
	}
	p.Version = row.Version
	return nil
}

// ListPlans returns the tenant's plans matching q, ordered by Number.
func (db *DB) ListPlans(ctx context.Context, tenant string, q bot.PlanQuery) ([]*bot.Plan, error) {
	g := db.conn(ctx).Where("tenant = ?", tenant)
	if q.EmployeeID != "" {
		g = g.Where("employee_id = ?", q.EmployeeID)
	}
	if q.ManagerID != "" {
		g = g.Where("manager_id = ?", q.ManagerID)
	}
	if q.MentorID != "" {
		g = g.Where("mentor_id = ?", q.MentorID)
	}
	if q.InvolvedID != "" {
		g = g.Where("(employee_id = ? OR manager_id = ? OR mentor_id = ?)", q.InvolvedID, q.InvolvedID, q.InvolvedID)
	}
	if len(q.Statuses) > 0 {
		statuses := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			statuses[i] = string(s)
		}
		g = g.Where("status IN ?", statuses)
	}
	if q.Outcome != "" {
		g = g.Where("outcome = ?", string(q.Outcome))
	}
	if q.Limit > 0 {
		g = g.Limit(q.Limit)
	}
	var rows []planRow
	if err := g.Order("number").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list plans of tenant %s: %w", tenant, err)
	}
	plans := make([]*bot.Plan, len(rows))
	for i := range rows {
		plans[i] = rows[i].plan()
	}
	return plans, nil
}
