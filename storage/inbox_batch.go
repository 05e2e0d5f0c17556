package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Group commit of inbox Puts: concurrent Puts are written by one
// transaction, so a burst of events costs a few commits instead of one
// each. A batch closes putWindow after its first Put arrived, or at
// putBatchMax Puts; each caller waits for the commit of the batch holding
// its event, and learns whether its own event was fresh. A batch whose
// transaction fails fails every caller in it: nothing of it is stored.
const (
	putWindow   = time.Millisecond
	putBatchMax = 128
	// putCommitTimeout bounds one batch's transaction; a caller's own
	// deadline bounds only its wait.
	putCommitTimeout = 10 * time.Second
)

// errClosed fails the Puts still waiting when the store is closed.
var errClosed = errors.New("store closed")

// putCall is one caller's Put waiting in a batch.
type putCall struct {
	ctx   context.Context
	row   inboxRow
	keys  []string
	fresh bool
	err   error
	done  chan struct{}
}

// putBatcher collects Puts and commits them in batches, with committers
// transactions at once (one on SQLite, which has one writer).
type putBatcher struct {
	db     *DB
	calls  chan *putCall
	window atomic.Int64 // nanoseconds; tests widen it to gather a batch
	max    int
	// committers run transactions at once, each with its batch.
	committers int
	stop       chan struct{}
	wg         sync.WaitGroup
}

func newPutBatcher(db *DB, committers int) *putBatcher {
	b := &putBatcher{db: db, calls: make(chan *putCall, putBatchMax), max: putBatchMax, committers: committers,
		stop: make(chan struct{})}
	b.window.Store(int64(putWindow))
	for range committers {
		b.wg.Go(b.run)
	}
	return b
}

// put hands c to a committer and waits for its batch, or for c.ctx: a
// caller that stops waiting may still find its event stored, which a
// redelivery then meets as a duplicate.
func (b *putBatcher) put(c *putCall) error {
	select {
	case b.calls <- c:
	case <-b.stop:
		return errClosed
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
	select {
	case <-c.done:
		return c.err
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
}

// run commits batches until the batcher is closed, then fails what waits.
func (b *putBatcher) run() {
	for {
		var first *putCall
		select {
		case first = <-b.calls:
		case <-b.stop:
			for {
				select {
				case c := <-b.calls:
					c.err = errClosed
					close(c.done)
				default:
					return
				}
			}
		}
		b.commit(b.collect(first))
	}
}

// collect gathers the Puts arriving within the window after first, up to
// the cap.
func (b *putBatcher) collect(first *putCall) []*putCall {
	batch := []*putCall{first}
	timer := time.NewTimer(time.Duration(b.window.Load()))
	defer timer.Stop()
	for len(batch) < b.max {
		select {
		case c := <-b.calls:
			batch = append(batch, c)
		case <-timer.C:
			return batch
		}
	}
	return batch
}

// commit writes a batch in one transaction and wakes its callers. Callers
// who stopped waiting before it began are left out.
func (b *putBatcher) commit(batch []*putCall) {
	live := batch[:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			close(c.done)
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), putCommitTimeout)
	defer cancel()
	err := b.db.writePuts(ctx, live)
	for _, c := range live {
		if err != nil {
			c.fresh, c.row.ID = false, 0
			c.err = fmt.Errorf("batch of %d: %w", len(live), err)
		}
		close(c.done)
	}
}

// close stops the committers once the batches begun are committed.
func (b *putBatcher) close() {
	close(b.stop)
	b.wg.Wait()
}

// writePuts stores the fresh calls of a batch in one transaction and sets
// each call's fresh and row.ID. A call is fresh unless a key of it is stored
// already or belongs to an earlier fresh call of the batch, so that of
// several calls sharing a key exactly one is fresh. A key stored by a
// concurrent transaction after this one looked makes the insert fail, and
// the batch is decided again.
func (db *DB) writePuts(ctx context.Context, calls []*putCall) error {
	for attempt := 1; ; attempt++ {
		err := db.gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return db.writePutsTx(tx, calls) }, db.txOpts...)
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

// putNow writes one Put in the store's transaction (a store bound by InTx),
// which a batch of other callers cannot share.
func (db *DB) putNow(c *putCall) error {
	return db.writePuts(c.ctx, []*putCall{c})
}
