package storage

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// writePuts stores the fresh calls of a batch in one transaction and sets
// each call's fresh and row.ID. A call is fresh unless a key of it is stored
// already or belongs to an earlier fresh call of the batch, so that of
// several calls sharing a key exactly one is fresh. A key stored by a
// concurrent transaction after this one looked makes the insert fail, and
// the batch is decided again.
func (db *DB) writePuts(ctx context.Context, calls []*putCall) error {
	for attempt := 1; ; attempt++ {
		err := db.batchDB().WithContext(ctx).Transaction(func(tx *gorm.DB) error { return db.writePutsTx(tx, calls) }, db.txOpts...)
		if err == nil || db.inTx || attempt == numberAttempts || !(aborted(err) || errors.Is(err, gorm.ErrDuplicatedKey)) {
			return err
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

func (db *DB) writePutsTx(tx *gorm.DB, calls []*putCall) error {
	var all []any
	for _, c := range calls {
		c.fresh, c.row.ID = false, 0
		for _, k := range c.keys {
			all = append(all, k)
		}
	}
	var stored []string
	if err := tx.Model(&inboxKeyRow{}).Where(clause.IN{Column: clause.Column{Name: "key"}, Values: all}).
		Pluck("key", &stored).Error; err != nil {
		return fmt.Errorf("read stored keys: %w", err)
	}
	taken := make(map[string]bool, len(all))
	for _, k := range stored {
		taken[k] = true
	}
	var fresh []*putCall
	for _, c := range calls {
		dup := false
		for _, k := range c.keys {
			dup = dup || taken[k]
		}
		if dup {
			continue
		}
		for _, k := range c.keys {
			taken[k] = true
		}
		c.fresh = true
		fresh = append(fresh, c)
	}
	if len(fresh) == 0 {
		return nil
	}
	if err := db.insertPutRows(tx, fresh); err != nil {
		return fmt.Errorf("insert %d deliveries: %w", len(fresh), err)
	}
	var keys []inboxKeyRow
	for _, c := range fresh {
		for _, k := range c.keys {
			keys = append(keys, inboxKeyRow{Key: k, InboxID: c.row.ID, CreatedAt: c.row.ReceivedAt})
		}
	}
	if err := tx.Create(&keys).Error; err != nil {
		return fmt.Errorf("insert %d keys: %w", len(keys), err)
	}
	return nil
}

// insertPutRows inserts the calls' rows and sets their ids: with one
// multi-row insert where the database reports every id (RETURNING on
// PostgreSQL and SQLite; consecutive auto-increment ids on MySQL unless
// innodb_autoinc_lock_mode is 2), else row by row.
func (db *DB) insertPutRows(tx *gorm.DB, calls []*putCall) error {
	if db.kind == KindMySQL && !db.consecutiveIDs {
		for _, c := range calls {
			if err := tx.Create(&c.row).Error; err != nil {
				return err
			}
		}
		return nil
	}
	rows := make([]inboxRow, len(calls))
	for i, c := range calls {
		rows[i] = c.row
	}
	if err := tx.Create(&rows).Error; err != nil {
		return err
	}
	for i, c := range calls {
		if rows[i].ID == 0 {
			return errors.New("insert returned no id")
		}
		c.row.ID = rows[i].ID
	}
	return nil
}

// batchDB is the handle batches are written with: on a server, with
// prepared statements, kept per statement text (one per batch size), so a
// batch costs no parse and no prepare round trip once its size was seen.
// SQLite's driver prepares every statement anew whatever the handle, and
// a store bound to a transaction keeps its own.
func (db *DB) batchDB() *gorm.DB {
	if db.kind == KindSQLite || db.inTx {
		return db.gdb
	}
	return db.gdb.Session(&gorm.Session{PrepareStmt: true})
}

// putNow writes one Put in the store's transaction (a store bound by InTx),
// which a batch of other callers cannot share.
func (db *DB) putNow(c *putCall) error {
	return db.writePuts(c.ctx, []*putCall{c})
}
