package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// leaseQuery selects the rows a claim may lease: those matching where (with
// args), in order, at most n. The rows' table must have the columns id,
// lease_owner, lease_until and attempts.
type leaseQuery struct {
	where string
	args  []any
	order []string
	n     int
}

// leaseRow is a row with the lease columns: its id names it in the lease
// update.
type leaseRow interface{ leaseID() int64 }

// claimLeases leases to owner, until until, the rows q selects, in one
// transaction, and counts the attempt on each; it returns them as read
// (attempts not yet counted). On PostgreSQL and MySQL the rows are locked
// with SKIP LOCKED, so replicas claiming at once take different rows; SQLite
// has one writer at a time. It is the one lease claim of the store: the
// inbox uses it, and any other table that is leased out to workers.
func claimLeases[R any, P interface {
	*R
	leaseRow
}](ctx context.Context, db *DB, q leaseQuery, owner string, until time.Time) ([]R, error) {
	var rows []R
	err := db.inboxTx(ctx, func(tx *gorm.DB) error {
		rows = nil
		g := tx.Where(q.where, q.args...).Limit(q.n)
		for _, o := range q.order {
			g = g.Order(o)
		}
		if db.kind != KindSQLite {
			g = g.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		if err := g.Find(&rows).Error; err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int64, len(rows))
		for i := range rows {
			ids[i] = P(&rows[i]).leaseID()
		}
		res := tx.Model(P(new(R))).Where("id IN ?", ids).Updates(map[string]any{
			"lease_owner": owner, "lease_until": normTime(until), "attempts": gorm.Expr("attempts + 1"),
		})
		if res.Error == nil && res.RowsAffected != int64(len(ids)) {
			return fmt.Errorf("leased %d of %d locked rows", res.RowsAffected, len(ids))
		}
		return res.Error
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}
