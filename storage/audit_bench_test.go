package storage

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// plainAuditRow is audit_log's shape before the hash chain, in a table of
// its own: inserting it is what AppendAudit cost before the chain.
type plainAuditRow struct {
	ID       int64  `gorm:"primaryKey;autoIncrement"`
	Tenant   string `gorm:"size:191;not null;index:idx_audit_log_plain_plan,priority:1"`
	PlanID   int64  `gorm:"not null;index:idx_audit_log_plain_plan,priority:2"`
	ActorID  string `gorm:"size:191;not null"`
	Role     string `gorm:"size:32;not null"`
	Platform string `gorm:"size:32;not null"`
	Action   string `gorm:"size:64;not null"`
	From     string `gorm:"column:from_value"`
	To       string `gorm:"column:to_value"`
	Detail   string
	At       *time.Time
}

func (plainAuditRow) TableName() string { return "audit_log_plain" }

// BenchmarkAuditAppend measures what the hash chain adds to writing an audit
// entry, on SQLite and (with PIPBOT_TEST_POSTGRES) PostgreSQL:
//
//   - mode=plain: the insert AppendAudit did before the chain (one
//     statement, no transaction);
//   - mode=chain: AppendAudit now, in a transaction of its own (lock the
//     tenant's head, insert, move the head);
//   - mode=plain_tx and mode=chain_tx: the same inside a transaction
//     opened by the caller, as the engine always appends.
//
// Compare with benchstat -col /mode.
func BenchmarkAuditAppend(b *testing.B) {
	for _, d := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{KindSQLite, storagetest.SQLite}, {KindPostgres, storagetest.Postgres}} {
		b.Run("db="+d.name, func(b *testing.B) {
			db := openBenchDB(b, d.dsn(b))
			ctx := b.Context()
			entry := bot.AuditEntry{Tenant: "t-bench", PlanID: 1, ActorID: "ou_manager", Role: bot.RoleManager,
				Platform: "lark", Action: "plan.approve", From: "submitted", To: "approved", Detail: "v3"}
			plain := func(g *DB) error {
				e := entry
				e.At = time.Now()
				row := plainAuditRow{Tenant: e.Tenant, PlanID: e.PlanID, ActorID: e.ActorID, Role: string(e.Role),
					Platform: e.Platform, Action: e.Action, From: e.From, To: e.To, Detail: e.Detail, At: toDBTime(e.At)}
				return g.gdb.WithContext(ctx).Create(&row).Error
			}
			chain := func(g *DB) error {
				e := entry
				e.At = time.Now()
				return g.AppendAudit(ctx, &e)
			}
			inTx := func(write func(*DB) error) func(*DB) error {
				return func(g *DB) error {
					return g.InTx(ctx, func(tx bot.Store) error { return write(tx.(*DB)) })
				}
			}
			for _, m := range []struct {
				name  string
				write func(*DB) error
			}{{"plain", plain}, {"chain", chain}, {"plain_tx", inTx(plain)}, {"chain_tx", inTx(chain)}} {
				b.Run("mode="+m.name, func(b *testing.B) {
					for b.Loop() {
						if err := m.write(db); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// openBenchDB opens and migrates dsn and adds the pre-chain audit table.
func openBenchDB(b *testing.B, dsn string) *DB {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatalf("Migrate: %v", err)
	}
	if err := db.gdb.WithContext(ctx).AutoMigrate(&plainAuditRow{}); err != nil {
		b.Fatalf("create %s: %v", plainAuditRow{}.TableName(), err)
	}
	return db
}
