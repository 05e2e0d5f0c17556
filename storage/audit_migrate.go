package storage

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// sealChunk is how many legacy audit rows one sealing transaction updates.
const sealChunk = 500

// chainLegacyAudit turns an audit_log written before the hash chain into
// chains, once: it adds the chain columns, creates the heads, and seals
// each tenant's rows in (at, id) order, as if they had been appended in
// that order. Rows without a time come first. It runs only while the
// unique (tenant, seq) index does not exist yet: AutoMigrate creates the
// index after it, so a crash part-way resumes with the unsealed rows, and
// once the index exists a Migrate never seals again, which keeps it from
// adopting a row slipped in with SQL into the chain. g carries the table
// options of the database.
func (db *DB) chainLegacyAudit(ctx context.Context, g *gorm.DB) error {
	m := g.Migrator()
	if !m.HasTable(&auditRow{}) || m.HasIndex(&auditRow{}, auditSeqIndex) {
		return nil
	}
	for _, field := range []string{"Seq", "PrevHash", "Hash"} {
		if !m.HasColumn(&auditRow{}, field) {
			if err := m.AddColumn(&auditRow{}, field); err != nil {
				return fmt.Errorf("add audit column %s: %w", field, err)
			}
		}
	}
	if err := g.AutoMigrate(&auditHeadRow{}); err != nil {
		return fmt.Errorf("create audit chain heads: %w", err)
	}
	var tenants []string
	if err := db.conn(ctx).Model(&auditRow{}).Where("hash = ''").Distinct().Order("tenant").Pluck("tenant", &tenants).Error; err != nil {
		return fmt.Errorf("list tenants with unsealed audit rows: %w", err)
	}
	for _, tenant := range tenants {
		if err := db.sealTenant(ctx, tenant); err != nil {
			return fmt.Errorf("seal audit log of tenant %s: %w", tenant, err)
		}
	}
	return nil
}

// sealTenant appends the tenant's unsealed rows to its chain, in (at, id)
// order, sealChunk rows per transaction under the head's lock.
func (db *DB) sealTenant(ctx context.Context, tenant string) error {
	var ids []int64
	err := db.conn(ctx).Model(&auditRow{}).Where("tenant = ? AND hash = ''", tenant).
		Order("CASE WHEN at IS NULL THEN 0 ELSE 1 END, at, id").Pluck("id", &ids).Error
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(ids, sealChunk) {
		err := db.conn(ctx).Transaction(func(tx *gorm.DB) error {
			return sealRows(tx, db.kind, tenant, chunk)
		}, db.txOpts...)
		if err != nil {
			return err
		}
	}
	return nil
}

// sealRows seals the rows with the given ids, in that order, after the
// tenant's head, and moves the head. A row sealed meanwhile (by another
// replica migrating at the same time) is skipped, not sealed twice.
func sealRows(tx *gorm.DB, kind, tenant string, ids []int64) error {
	head, err := lockHead(tx, kind, tenant)
	if err != nil {
		return err
	}
	var rows []auditRow
	if err := tx.Where("tenant = ? AND id IN ? AND hash = ''", tenant, ids).Find(&rows).Error; err != nil {
		return err
	}
	byID := make(map[int64]*auditRow, len(rows))
	for i := range rows {
		byID[rows[i].ID] = &rows[i]
	}
	seq, hash := head.Seq, head.Hash
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			continue
		}
		e := r.entry()
		e.Seal(seq+1, hash)
		err := tx.Model(&auditRow{}).Where("tenant = ? AND id = ?", tenant, id).
			Updates(map[string]any{"seq": e.Seq, "prev_hash": e.PrevHash, "hash": e.Hash, "at": toDBTime(e.At)}).Error
		if err != nil {
			return err
		}
		seq, hash = e.Seq, e.Hash
	}
	if seq == head.Seq {
		return nil
	}
	return advanceHead(tx, head, seq, hash)
}
