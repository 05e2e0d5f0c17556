package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// Retries of createNumbered and of the inbox's transactions: at most
// numberAttempts, waiting a random time in [d/2, d) between them, d doubling
// from backoffBase up to backoffCap, so that creators who collided spread out
// instead of colliding again.
const (
	numberAttempts = 10
	backoffBase    = 2 * time.Millisecond
	backoffCap     = 100 * time.Millisecond
)

// createNumbered inserts a row that takes the next number of its scope (a
// plan's short id in its tenant, an interview's No in its plan): next reads
// max+1 and insert writes the row, in one transaction, or in a savepoint when
// the store is already inside one. The scope's unique index is the guard:
// when a concurrent insert took the number first, the attempt is rolled back
// and retried with a fresh max.
func (db *DB) createNumbered(ctx context.Context, next func(tx *gorm.DB) (int, error), insert func(tx *gorm.DB, n int) error) error {
	var err error
	for attempt := 1; attempt <= numberAttempts; attempt++ {
		err = db.conn(ctx).Transaction(func(tx *gorm.DB) error {
			n, err := next(tx)
			if err != nil {
				return err
			}
			return insert(tx, n)
		}, db.txOpts...)
		if err == nil || !db.retryable(err) {
			return err
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
	return fmt.Errorf("after %d attempts: %w", numberAttempts, err)
}

// backoff waits before the next of several attempts: a random time in
// [d/2, d), d doubling from backoffBase up to backoffCap, so that callers who
// collided spread out instead of colliding again. It returns early with the
// context's error.
func backoff(ctx context.Context, attempt int) error {
	d := min(backoffBase<<(attempt-1), backoffCap)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d/2 + rand.N(d/2)):
		return nil
	}
}

// retryable reports whether an attempt of createNumbered lost a race and may
// be run again. A duplicate key only undoes the savepoint; a deadlock or
// serialization failure aborts the whole transaction, so it is retryable only
// when createNumbered owns that transaction.
func (db *DB) retryable(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	return !db.inTx && aborted(err)
}

// aborted reports whether the database aborted a transaction to break a
// deadlock or a serialization conflict, so that it may be run again whole.
func aborted(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		return myErr.Number == 1213 // ER_LOCK_DEADLOCK
	}
	return false
}

// nextNumber is max(column)+1 over the rows matched by where, 1 when none.
// It reads through Row, not gorm's Scan: Scan traces its SQL with the values
// filled in, bypassing gormLogger.ParamsFilter.
func nextNumber(tx *gorm.DB, model any, column string, where string, args ...any) (int, error) {
	var n int
	err := tx.Model(model).Where(where, args...).Select("COALESCE(MAX(" + column + "), 0) + 1").Row().Scan(&n)
	return n, err
}
