package storage

import (
	"context"

	"gorm.io/gorm"
)

// listRecords loads the rows of one plan in the tenant, ordered by the given
// columns, and converts them to domain records.
func listRecords[R, T any](ctx context.Context, db *DB, tenant string, planID int64, order string, conv func(*R) T) ([]T, error) {
	var rows []R
	err := db.conn(ctx).Where("tenant = ? AND plan_id = ?", tenant, planID).Order(order).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i := range rows {
		out[i] = conv(&rows[i])
	}
	return out, nil
}

// updateRecord writes every column of row except its keys, matching it by
// tenant and id; a row of another tenant, or none, matches nothing and the
// result is false.
func updateRecord(ctx context.Context, db *DB, model any, tenant string, id int64, row any) (bool, error) {
	res := db.conn(ctx).Model(model).
		Where("tenant = ? AND id = ?", tenant, id).
		Select("*").Omit("id", "tenant", "plan_id", "no").
		Updates(row)
	return res.RowsAffected > 0, res.Error
}

// nextPlanNo returns a function giving the next per-plan No in a table.
func nextPlanNo(model any, tenant string, planID int64) func(tx *gorm.DB) (int, error) {
	return func(tx *gorm.DB) (int, error) {
		return nextNumber(tx, model, "no", "tenant = ? AND plan_id = ?", tenant, planID)
	}
}
