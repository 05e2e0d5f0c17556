package storage

import (
	"context"
	"fmt"
)

// Migrate creates or updates the tables and indexes. It is idempotent and
// runs at start-up and from `pipbot migrate`.
func (db *DB) Migrate(ctx context.Context) error {
	g := db.gdb.WithContext(ctx)
	if db.kind == KindMySQL {
		// Binary collation: tenant and user IDs are case-sensitive, and a
		// case-insensitive match would let "T1" see "t1".
		g = g.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")
	}
	models := []any{
		&planRow{}, &updateRow{}, &interviewRow{}, &reviewRow{},
		&adjustmentRow{}, &noteRow{}, &auditRow{}, &personRow{}, &teamChatRow{},
		&inboxRow{}, &inboxKeyRow{}, &reminderRow{},
	}
	if err := g.AutoMigrate(models...); err != nil {
		return fmt.Errorf("migrate %s schema: %w", db.kind, err)
	}
	return nil
}
