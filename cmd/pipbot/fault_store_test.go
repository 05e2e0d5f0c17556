package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// The fault suite kills a pipbot process at one step of handling an event,
// or cuts its database or Redis off meanwhile. A killed process is frozen,
// not stopped: every call it makes through a wrapped port from then on
// blocks until the test ends and then fails, as if it had never been made.

// fault is where a process dies, or what is cut off while it handles.
type fault string

const (
	faultNone         fault = "none"
	crashAfterClaim   fault = "crash after claim"            // the engine's first store call
	crashAfterCommit  fault = "crash after commit"           // the change written; its replies neither recorded nor sent
	crashAfterRecord  fault = "crash after replies recorded" // nothing sent yet
	crashAfterSend    fault = "crash after first reply sent" // the platform took one; the delivery is not finished
	crashBeforeFinish fault = "crash before finish"          // the platform took every reply; the delivery is not finished
	cutRedis          fault = "redis cut off"                // mid-handling, until restored
	cutDB             fault = "database cut off"             // the engine's store, mid-handling, until restored
)

// errKilled is what a killed process's calls return once the test ends.
var errKilled = errors.New("fault: the process was killed")

// errCut is what the store answers while the database is cut off.
var errCut = errors.New("fault: database unreachable")

// faults injects one fault into one process.
type faults struct {
	mu      sync.Mutex
	kind    fault
	armed   bool
	cut     bool
	refused int           // store calls refused while cut off
	handled int           // commands the engine finished
	failed  bool          // the last of them failed
	died    bool          // the process was killed
	killAt  int           // the message the platform takes that kills (crashAfterSend, crashBeforeFinish)
	posted  int           // messages the platform took since armed
	crashed chan struct{} // closed when it was
	release chan struct{} // closed at the end: frozen calls fail
	freed   sync.Once
}

func newFaults() *faults {
	return &faults{kind: faultNone, crashed: make(chan struct{}), release: make(chan struct{})}
}

// arm makes the fault happen at its step of the next event; a cut-off
// starts at once. A crash after sending happens once the platform took
// the posts-th message.
func (f *faults) arm(k fault, posts int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kind, f.armed, f.cut, f.killAt = k, true, k == cutDB, posts
}

// sending reports whether a message the platform takes may kill.
func (f *faults) sending() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.armed && !f.died && (f.kind == crashAfterSend || f.kind == crashBeforeFinish)
}

// took counts a message the platform took and reports whether it kills.
func (f *faults) took() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posted++
	return f.posted == f.killAt
}

// restore ends a database cut-off.
func (f *faults) restore() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cut, f.armed = false, false
}

// unfreeze lets the killed process's frozen calls fail, so that it can stop.
func (f *faults) unfreeze() { f.freed.Do(func() { close(f.release) }) }

// armedFor reports whether k is about to happen.
func (f *faults) armedFor(k fault) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.armed && f.kind == k && !f.died
}

// dead reports whether the process was killed.
func (f *faults) dead() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.died
}

// kill kills the process here: the call blocks until the test ends.
func (f *faults) kill() error {
	f.mu.Lock()
	if !f.died {
		f.died = true
		close(f.crashed)
	}
	f.mu.Unlock()
	<-f.release
	return errKilled
}

// before is called before each store call.
func (f *faults) before() error {
	f.mu.Lock()
	switch {
	case f.died:
		f.mu.Unlock()
		<-f.release
		return errKilled
	case f.cut:
		f.refused++
		f.mu.Unlock()
		return errCut
	case f.armed && f.kind == crashAfterClaim:
		f.mu.Unlock()
		return f.kill()
	}
	f.mu.Unlock()
	return nil
}

// faultStore is the engine's store with faults injected (bot.Store).
type faultStore struct {
	bot.Store
	f *faults
	// recorded is set, inside a transaction, once it records an event's
	// effect: that transaction is the event's commit.
	recorded *bool
}

// withFaults wraps the engine's store of an app, and counts the commands
// it finishes.
func withFaults(f *faults) appOption {
	return func(o *bot.Options) {
		o.Store = &faultStore{Store: o.Store, f: f}
		o.Observer = faultObserver{next: o.Observer, f: f}
	}
}

// faultObserver counts the commands the engine finished.
type faultObserver struct {
	next bot.Observer
	f    *faults
}

func (o faultObserver) CommandHandled(name string, code bot.Code, took time.Duration) {
	o.f.mu.Lock()
	o.f.handled++
	o.f.failed = code != ""
	o.f.mu.Unlock()
	if o.next != nil {
		o.next.CommandHandled(name, code, took)
	}
}

// counts are the store calls refused while cut off and the commands the
// engine finished; failed is whether the last of them failed.
func (f *faults) counts() (refused, handled int, failed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refused, f.handled, f.failed
}

func (s *faultStore) InTx(ctx context.Context, fn func(tx bot.Store) error) error {
	if err := s.f.before(); err != nil {
		return err
	}
	recorded := false
	err := s.Store.InTx(ctx, func(tx bot.Store) error {
		return fn(&faultStore{Store: tx, f: s.f, recorded: &recorded})
	})
	if err == nil && recorded && s.f.armedFor(crashAfterCommit) {
		return s.f.kill()
	}
	return err
}

func (s *faultStore) RecordEffect(ctx context.Context, tenant, key string) error {
	if err := s.f.before(); err != nil {
		return err
	}
	err := s.Store.RecordEffect(ctx, tenant, key)
	if err == nil && s.recorded != nil {
		*s.recorded = true
	}
	return err
}

func (s *faultStore) SaveEffectReplies(ctx context.Context, tenant, key string, replies []byte) error {
	if err := s.f.before(); err != nil {
		return err
	}
	h, _ := ctx.Value(faultHeldKey{}).(*faultHeld)
	if h != nil && h.recorded && s.f.armedFor(crashAfterCommit) {
		// The change is written in the held transaction, its replies
		// not yet: the process dies, and its connection with it.
		h.inner.Rollback()
		return s.f.kill()
	}
	err := s.Store.SaveEffectReplies(ctx, tenant, key, replies)
	if err == nil && h == nil && s.f.armedFor(crashAfterRecord) {
		return s.f.kill()
	}
	return err
}

// faultHeld is the store's held transaction (bot.HeldTx) with faults: a
// database cut off fails its Begin and Commit, and a crash after the
// replies are recorded comes right after its Commit.
type faultHeld struct {
	inner    bot.HeldTx
	f        *faults
	recorded bool // the event's effect is recorded in it
}

// faultHeldKey is the context key of the command's faultHeld.
type faultHeldKey struct{}

func (s *faultStore) Hold(ctx context.Context) (context.Context, bot.HeldTx) {
	ctx, inner := s.Store.(bot.TxHolder).Hold(ctx)
	h := &faultHeld{inner: inner, f: s.f}
	return context.WithValue(ctx, faultHeldKey{}, h), h
}

func (h *faultHeld) Begin(ctx context.Context) (bot.Store, error) {
	if err := h.f.before(); err != nil {
		return nil, err
	}
	tx, err := h.inner.Begin(ctx)
	if err != nil {
		return nil, err
	}
	h.recorded = false
	return &faultStore{Store: tx, f: h.f, recorded: &h.recorded}, nil
}

func (h *faultHeld) Commit() error {
	if err := h.f.before(); err != nil {
		h.inner.Rollback()
		return err
	}
	err := h.inner.Commit()
	if err == nil && h.recorded && h.f.armedFor(crashAfterRecord) {
		return h.f.kill()
	}
	return err
}

func (h *faultHeld) Rollback() { h.inner.Rollback() }

func (s *faultStore) Effect(ctx context.Context, tenant, key string) ([]byte, bool, error) {
	if err := s.f.before(); err != nil {
		return nil, false, err
	}
	return s.Store.Effect(ctx, tenant, key)
}
