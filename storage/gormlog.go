package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"
)

// slowQuery is the duration above which a statement is logged as slow.
const slowQuery = 500 * time.Millisecond

// gormLogger routes GORM's messages to slog at warn level: failed and slow
// statements only, with placeholders instead of values, so that plan content
// never reaches a log. (gorm's (*DB).Scan bypasses ParamsFilter: the store
// does not use it.)
type gormLogger struct{ log *slog.Logger }

func newGormLogger(log *slog.Logger) gormLogger { return gormLogger{log: log} }

func (l gormLogger) LogMode(gormlogger.LogLevel) gormlogger.Interface { return l }

func (l gormLogger) Info(context.Context, string, ...any) {}

func (l gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

func (l gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

// Trace logs failed and slow statements. Not-found and duplicate-key errors
// are expected (the store turns them into ErrNotFound or retries) and
// cancellations are the caller's business.
func (l gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	took := time.Since(begin)
	switch {
	case err != nil:
		if errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, gorm.ErrDuplicatedKey) ||
			errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return
		}
		query, _ := fc()
		l.log.WarnContext(ctx, "sql statement failed", "sql", query, "took_ms", took.Milliseconds(), "err", err)
	case took > slowQuery:
		query, rows := fc()
		l.log.WarnContext(ctx, "slow sql statement", "sql", query, "rows", rows, "took_ms", took.Milliseconds())
	}
}

// ParamsFilter drops the statement's values before GORM renders it for a
// log line, leaving the placeholders.
func (l gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}
