package storage

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// auditHeadRow is where a tenant's audit chain ends: the Seq and Hash of its
// newest entry. AppendAudit moves it in the same transaction as the insert,
// so removing the newest entries with SQL leaves the head pointing past
// them, which VerifyAudit reports. Locking this row is also what makes a
// tenant's appends queue up.
type auditHeadRow struct {
	Tenant string `gorm:"primaryKey;size:191"`
	Seq    int64  `gorm:"not null"`
	Hash   string `gorm:"size:64;not null"`
}

func (auditHeadRow) TableName() string { return "audit_heads" }

// chainTx runs fn in the store's transaction, or in one of its own when the
// store is not in one; an own transaction the database aborted to break a
// deadlock is run again (InTx's caller owns its transaction and its retries).
func (db *DB) chainTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if db.inTx {
		return fn(db.conn(ctx))
	}
	for attempt := 1; ; attempt++ {
		err := db.conn(ctx).Transaction(fn, db.txOpts...)
		if err == nil || !aborted(err) || attempt == numberAttempts {
			return err
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

// lockHead returns the tenant's chain head, locked until tx ends (SELECT …
// FOR UPDATE), creating it at Seq 0 on the tenant's first append. A
// concurrent appender waits for the lock and then reads the head as the
// other left it, so each append sees the previous one. SQLite needs no row
// lock: its transactions start with the write lock (_txlock=immediate) and
// the store has one connection.
func lockHead(tx *gorm.DB, kind, tenant string) (auditHeadRow, error) {
	read := func() (auditHeadRow, error) {
		var h auditHeadRow
		q := tx.Where("tenant = ?", tenant)
		if kind != KindSQLite {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
		}
		err := q.Take(&h).Error
		return h, err
	}
	h, err := read()
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// Only the first append of a tenant gets here. Insert-if-missing,
		// so that concurrent first appends all end up locking the same row.
		err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "tenant"}}, DoNothing: true}).
			Create(&auditHeadRow{Tenant: tenant}).Error
		if err == nil {
			h, err = read()
		}
	}
	if err != nil {
		return auditHeadRow{}, fmt.Errorf("lock audit chain head: %w", err)
	}
	return h, nil
}

// advanceHead moves the locked head h to the entry just inserted.
func advanceHead(tx *gorm.DB, h auditHeadRow, seq int64, hash string) error {
	res := tx.Model(&auditHeadRow{}).Where("tenant = ? AND seq = ?", h.Tenant, h.Seq).
		Updates(map[string]any{"seq": seq, "hash": hash})
	if res.Error != nil {
		return fmt.Errorf("advance audit chain head: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("advance audit chain head: it moved from seq %d while locked", h.Seq)
	}
	return nil
}

// auditHead reads a tenant's head without locking it; a tenant without one
// has the empty chain's head (Seq 0, no hash).
func (db *DB) auditHead(ctx context.Context, tenant string) (auditHeadRow, error) {
	var h auditHeadRow
	err := db.conn(ctx).Where("tenant = ?", tenant).Take(&h).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return auditHeadRow{Tenant: tenant}, nil
	}
	if err != nil {
		return auditHeadRow{}, fmt.Errorf("read audit chain head: %w", err)
	}
	return h, nil
}

// AuditTenants lists, sorted, the tenants that have an audit chain: a head
// or any audit row (a row slipped in for a tenant with no head counts too),
// so that `pipbot audit verify` and serve's hourly check cover them all.
func (db *DB) AuditTenants(ctx context.Context) ([]string, error) {
	rows, err := db.conn(ctx).
		Raw("SELECT tenant FROM audit_heads UNION SELECT tenant FROM audit_log ORDER BY 1").Rows()
	if err != nil {
		return nil, fmt.Errorf("list audit tenants: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("list audit tenants: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list audit tenants: %w", err)
	}
	return out, nil
}
