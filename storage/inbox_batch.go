package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
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
	stopOnce   sync.Once
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
	b.stopOnce.Do(func() { close(b.stop) })
	b.wg.Wait()
}
