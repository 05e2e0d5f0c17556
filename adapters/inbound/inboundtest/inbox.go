// Package inboundtest holds the in-memory inbox the adapters' tests run
// their pipelines on, with the semantics of storage's.
package inboundtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/bot"
)

// Inbox keeps deliveries in memory with storage's semantics: a key seen
// before makes a duplicate; leases by owner until a time. PutErr, when set,
// fails every Put.
type Inbox struct {
	mu     sync.Mutex
	keys   map[string]int64
	rows   map[int64]*row
	next   int64
	puts   int
	PutErr error
}

type row struct {
	d     bot.Delivery
	done  bool
	owner string
	until time.Time
}

// NewInbox returns an empty Inbox.
func NewInbox() *Inbox {
	return &Inbox{keys: map[string]int64{}, rows: map[int64]*row{}}
}

// Put stores d unleased.
func (f *Inbox) Put(ctx context.Context, d *bot.Delivery) (bool, error) {
	return f.PutLeased(ctx, d, "", time.Time{})
}

// PutLeased stores d, leased to owner until until when owner is set.
func (f *Inbox) PutLeased(_ context.Context, d *bot.Delivery, owner string, until time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	if f.PutErr != nil {
		return false, f.PutErr
	}
	if len(d.Keys) == 0 || d.Source == "" {
		return false, errors.New("no keys or no source")
	}
	for _, k := range d.Keys {
		if len([]rune(k)) > inbound.MaxKey {
			return false, fmt.Errorf("key too long: %d", len(k))
		}
	}
	for _, k := range d.Keys {
		if _, ok := f.keys[k]; ok {
			return false, nil
		}
	}
	f.next++
	d.ID = f.next
	for _, k := range d.Keys {
		f.keys[k] = d.ID
	}
	r := &row{d: *d, owner: owner, until: until}
	if owner != "" {
		r.d.Attempts = 1
	}
	f.rows[d.ID] = r
	return true, nil
}

// Claim leases up to n deliveries of source that nobody holds.
func (f *Inbox) Claim(_ context.Context, source, owner string, n int, now time.Time, lease time.Duration) ([]bot.Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]int64, 0, len(f.rows))
	for id := range f.rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []bot.Delivery
	for _, id := range ids {
		r := f.rows[id]
		if len(out) == n || r.done || r.d.Source != source || (r.owner != "" && !r.until.Before(now)) {
			continue
		}
		r.owner, r.until = owner, now.Add(lease)
		r.d.Attempts++
		d := r.d
		d.Keys = nil
		out = append(out, d)
	}
	return out, nil
}

// Finish marks delivery id done if owner holds it.
func (f *Inbox) Finish(_ context.Context, id int64, owner string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.rows[id]
	if r == nil || r.done || r.owner != owner {
		return fmt.Errorf("finish %d: lease lost", id)
	}
	r.done, r.owner = true, ""
	return nil
}

// Stored is every delivery put, by id.
func (f *Inbox) Stored() []bot.Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []bot.Delivery
	for id := int64(1); id <= f.next; id++ {
		out = append(out, f.rows[id].d)
	}
	return out
}

// Finished reports whether delivery id is done.
func (f *Inbox) Finished(id int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rows[id] != nil && f.rows[id].done
}

// AllDone reports whether every delivery put is done.
func (f *Inbox) AllDone() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rows {
		if !r.done {
			return false
		}
	}
	return true
}

// Owner is who holds delivery id's lease ("" for none).
func (f *Inbox) Owner(id int64) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r := f.rows[id]; r != nil {
		return r.owner
	}
	return ""
}

// PutCalls counts Puts, duplicates and failures included.
func (f *Inbox) PutCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.puts
}
