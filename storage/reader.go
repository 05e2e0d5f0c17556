package storage

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
)

// Reader is a store for long runs of reads beside the writes of others:
// the planner's pass, which reads 100,000 plans and their people while it
// writes their reminders. On SQLite, whose one connection serves every
// query of the process in turn, it has a connection of its own that only
// reads (in WAL mode a reader neither waits for the writer nor holds it
// up), so the pass reads the next page while it writes the last; it sees
// what is committed. Its page cache is SQLite's default 2 MiB, not the
// writer's 16: the pass reads each page once. Elsewhere, and on an in-memory SQLite database, which
// a second connection would not share, it is db itself. Only reads may go
// through it.
func (db *DB) Reader() *DB {
	if db.reader != nil {
		return db.reader
	}
	return db
}

// openReader opens Reader's connection of a SQLite database at the
// driver's DSN d; nil for an in-memory database.
func openReader(ctx context.Context, d string, log *slog.Logger) (*DB, error) {
	path, _, _ := strings.Cut(d, "?")
	if strings.Contains(path, ":memory:") || strings.Contains(d, "mode=memory") {
		return nil, nil
	}
	d += "&_pragma=" + url.QueryEscape("query_only(1)") + "&_pragma=" + url.QueryEscape("cache_size(-2000)")
	gdb, err := gorm.Open(sqlite.Open(d), gormConfig(log.With("component", "storage", "db", KindSQLite, "conn", "reader")))
	if err != nil {
		return nil, fmt.Errorf("open sqlite reader: %w", err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open sqlite reader: %w", err)
	}
	sqlDB.SetMaxOpenConns(1)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open sqlite reader: %w", err)
	}
	return &DB{gdb: gdb, sqlDB: sqlDB, kind: KindSQLite}, nil
}
