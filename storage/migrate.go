package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Migrate creates or updates the tables and indexes. It is idempotent and
// runs at start-up and from `pipbot migrate`. The first Migrate of a
// database written before the audit hash chain seals its audit rows into
// per-tenant chains (audit_migrate.go).
func (db *DB) Migrate(ctx context.Context) error {
	g := db.conn(ctx)
	if db.kind == KindMySQL {
		// Binary collation: tenant and user IDs are case-sensitive, and a
		// case-insensitive match would let "T1" see "t1".
		// Session makes g reusable: after Set, a chained call would modify
		// g's own statement and leak into the next (a table name, say).
		g = g.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin").Session(&gorm.Session{})
	}
	if err := db.chainLegacyAudit(ctx, g); err != nil {
		return fmt.Errorf("migrate %s schema: %w", db.kind, err)
	}
	models := []any{
		&planRow{}, &updateRow{}, &interviewRow{}, &reviewRow{},
		&adjustmentRow{}, &noteRow{}, &auditRow{}, &auditHeadRow{}, &personRow{}, &teamChatRow{},
		&inboxRow{}, &inboxKeyRow{}, &reminderRow{}, &effectRow{}, &calendarYearRow{}, &planChangeRow{}, &plannerMarkRow{},
		&interviewEventRow{}, &planRiskRow{}, &cardRow{},
	}
	if err := g.AutoMigrate(models...); err != nil {
		return fmt.Errorf("migrate %s schema: %w", db.kind, err)
	}
	if err := migrateChangeIndexes(g); err != nil {
		return fmt.Errorf("migrate %s schema: %w", db.kind, err)
	}
	return nil
}
