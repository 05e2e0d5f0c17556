package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

var _ bot.Store = (*DB)(nil)

// DB is the SQL store: it keeps plans, their records, the audit log and the
// directory, and implements bot.Store. Open one per process and share it.
type DB struct {
	gdb    *gorm.DB
	sqlDB  *sql.DB // nil on a copy bound to a transaction
	kind   string
	txOpts []*sql.TxOptions
	inTx   bool
	// batch commits concurrent inbox Puts together; nil on a copy bound
	// to a transaction, whose Puts go into that transaction.
	batch *putBatcher
	// consecutiveIDs: a multi-row insert gets consecutive auto-increment
	// ids (MySQL with innodb_autoinc_lock_mode below 2), which the inbox's
	// batch insert relies on there.
	consecutiveIDs bool
	// reader is Reader's own connection on a SQLite file; nil otherwise.
	reader *DB
}

// Open connects to the database named by dsn (the PIPBOT_DB forms:
// sqlite://path, postgres://…, mysql://…) and checks that it answers.
// It does not migrate; call Migrate for that.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dialector, kind, err := dialect(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	gdb, err := gorm.Open(dialector, gormConfig(log.With("component", "storage", "db", kind)))
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	db := &DB{gdb: gdb, sqlDB: sqlDB, kind: kind}
	committers := 2
	switch kind {
	case KindSQLite:
		// One connection: SQLite has one writer anyway, and this rules out
		// SQLITE_BUSY between our own connections (and keeps :memory: alive).
		sqlDB.SetMaxOpenConns(1)
		committers = 1
	case KindMySQL:
		// InnoDB's default REPEATABLE READ keeps the first snapshot of a
		// transaction, so a retried "max+1" would read the same stale number;
		// READ COMMITTED sees the concurrent insert, as Postgres does.
		db.txOpts = []*sql.TxOptions{{Isolation: sql.LevelReadCommitted}}
	}
	if err := db.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	if kind == KindMySQL {
		var mode int
		if err := sqlDB.QueryRowContext(ctx, "SELECT @@innodb_autoinc_lock_mode").Scan(&mode); err == nil {
			db.consecutiveIDs = mode < 2
		}
	}
	if kind == KindSQLite {
		_, rest, _ := strings.Cut(dsn, "://")
		d, _ := sqliteDSN(rest) // dialect parsed it above
		if db.reader, err = openReader(ctx, d, log); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
	}
	db.batch = newPutBatcher(db, committers)
	return db, nil
}

// Kind names the database behind the store ("sqlite", "postgres", "mysql"),
// for logs, readiness output and tests.
func (db *DB) Kind() string { return db.kind }

// Ping checks that the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	if db.sqlDB == nil {
		return nil
	}
	if err := db.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s database: %w", db.kind, err)
	}
	return nil
}

// Close releases the connections. On a copy bound to a transaction it does
// nothing: the transaction belongs to InTx.
func (db *DB) Close() error {
	if db.sqlDB == nil {
		return nil
	}
	if db.batch != nil {
		db.batch.close()
	}
	if db.reader != nil {
		_ = db.reader.Close()
	}
	if err := db.sqlDB.Close(); err != nil {
		return fmt.Errorf("close %s database: %w", db.kind, err)
	}
	return nil
}

// InTx runs fn in one transaction with a store bound to it; fn's error rolls
// it back and is returned as is. Inside a transaction, InTx reuses it. fn
// must use tx, not the outer store: on SQLite the outer store would wait for
// the one connection that the transaction holds.
func (db *DB) InTx(ctx context.Context, fn func(tx bot.Store) error) error {
	if db.inTx {
		return fn(db)
	}
	var fnErr error
	err := db.conn(ctx).Transaction(func(tx *gorm.DB) error {
		fnErr = fn(db.bound(tx))
		return fnErr
	}, db.txOpts...)
	if err != nil && fnErr == nil {
		return fmt.Errorf("run %s transaction: %w", db.kind, err)
	}
	return err
}

// gormConfig is how the store uses GORM: errors translated, no implicit
// transactions, times in UTC.
func gormConfig(log *slog.Logger) *gorm.Config {
	return &gorm.Config{
		Logger:                 newGormLogger(log),
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
}

// bound returns a copy of db whose queries run in tx.
func (db *DB) bound(tx *gorm.DB) *DB {
	return &DB{gdb: tx, kind: db.kind, txOpts: db.txOpts, inTx: true}
}

// notFound wraps bot.ErrNotFound when err says no row matched.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return bot.ErrNotFound
	}
	return err
}
