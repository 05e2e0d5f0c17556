package inbound_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// An event recorded while a worker is idle is stored leased to this
// process and handled at once; one recorded while all are busy waits for a
// claim; each is handled once and finished.
func TestRecordedEventsHandled(t *testing.T) {
	r := newRig(t)
	r.tune.Pool = 1
	r.engine.release = make(chan struct{})
	r.engine.started = make(chan string, 10)
	r.run(t)
	first := r.record(t, "events", "one", "k1")
	if got := <-r.engine.started; got != "one" {
		t.Fatalf("engine ran %q", got)
	}
	if owner := r.inbox.Owner(first.ID); owner != "me" {
		t.Errorf("the first event is leased to %q, want this process", owner)
	}
	second := r.record(t, "events", "two", "k2") // the one worker is busy
	if owner := r.inbox.Owner(second.ID); owner != "" {
		t.Errorf("an event recorded with no idle worker is leased to %q", owner)
	}
	close(r.engine.release)
	eventually(t, "both handled", func() bool { return r.inbox.Finished(first.ID) && r.inbox.Finished(second.ID) })
	if got := r.plat.got(); !slices.Equal(got, []string{"one", "two"}) {
		t.Errorf("delivered %v", got)
	}
	if fresh, err := r.pipe.Record(t.Context(), &bot.Delivery{Source: "events", Payload: []byte("one"), Keys: []string{"k1"}}); err != nil || fresh {
		t.Errorf("a replay: fresh %v, %v", fresh, err)
	}
}

// Replies that could not be delivered are delivered again after the lease,
// without running the engine again; a refusal is not retried.
func TestUndeliveredRepliesRetried(t *testing.T) {
	r := newRig(t)
	r.plat.fail = 1
	r.run(t)
	d := r.record(t, "events", "hello", "k")
	eventually(t, "a failed delivery kept", func() bool { return r.pipe.Pending(d.ID) })
	r.clock.Add(r.tune.Lease + time.Second)
	r.pipe.Wake()
	eventually(t, "delivered on the retry", func() bool { return r.inbox.Finished(d.ID) })
	if n := r.engine.count(); n != 1 {
		t.Errorf("engine ran %d times", n)
	}
	if got := r.plat.got(); len(got) != 1 {
		t.Errorf("delivered %v", got)
	}

	r.plat.refuse = true
	d = r.record(t, "events", "refused", "k-refused")
	eventually(t, "a refused delivery finished", func() bool { return r.inbox.Finished(d.ID) })
	if r.pipe.Pending(d.ID) {
		t.Error("a refusal was kept for a retry")
	}
}

// A delivery needing no engine, and an unreadable one, are finished
// without the engine; Then runs for the former.
func TestDeliveriesWithoutEngine(t *testing.T) {
	r := newRig(t)
	r.run(t)
	a := r.record(t, "events", "ignore", "k1")
	b := r.record(t, "events", "unreadable", "k2")
	eventually(t, "both finished", func() bool { return r.inbox.Finished(a.ID) && r.inbox.Finished(b.ID) })
	if n := r.engine.count(); n != 0 {
		t.Errorf("engine ran %d times", n)
	}
	eventually(t, "then ran", func() bool { r.plat.mu.Lock(); defer r.plat.mu.Unlock(); return len(r.plat.then) == 1 })
}

// Shutdown lets the event in flight finish before Run returns; an event
// still running when ShutdownWait is over stays stored, pending, and is
// claimed again once its lease runs out.
func TestShutdownDrains(t *testing.T) {
	r := newRig(t)
	r.engine.release = make(chan struct{})
	r.engine.started = make(chan string, 10)
	stop := r.run(t)
	d := r.record(t, "events", "slow", "k")
	<-r.engine.started
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Run returned with an event in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(r.engine.release)
	<-stopped
	if !r.inbox.Finished(d.ID) || len(r.plat.got()) != 1 {
		t.Errorf("in-flight event: finished %v, delivered %v", r.inbox.Finished(d.ID), r.plat.got())
	}

	r = newRig(t)
	r.tune.ShutdownWait = 20 * time.Millisecond
	r.engine.release = make(chan struct{})
	r.engine.started = make(chan string, 10)
	stop = r.run(t)
	d = r.record(t, "events", "stuck", "k")
	<-r.engine.started
	stop()
	if r.inbox.Finished(d.ID) || r.inbox.Owner(d.ID) != "me" {
		t.Fatalf("abandoned at shutdown: finished %v, leased to %q; want pending, still leased", r.inbox.Finished(d.ID), r.inbox.Owner(d.ID))
	}
	got, err := r.inbox.Claim(t.Context(), "events", "next", 10, r.clock.Now().Add(r.tune.Lease+time.Second), time.Minute)
	if err != nil || len(got) != 1 || got[0].ID != d.ID {
		t.Errorf("after its lease the abandoned event is claimed: %v, %v", got, err)
	}
	close(r.engine.release)
}

// An inline request is recorded leased to its caller, so no worker takes
// it; answered late, the pipeline delivers it through Prepare and Deliver
// once the engine is done.
func TestInlineLate(t *testing.T) {
	r := newRig(t)
	r.engine.release = make(chan struct{})
	r.run(t)
	d := &bot.Delivery{Source: "inline", Tenant: "t", Payload: []byte("click"), Keys: []string{"c1"}, ReceivedAt: r.clock.Now()}
	if fresh, err := r.pipe.Inline(t.Context(), d); err != nil || !fresh {
		t.Fatalf("Inline: %v, %v", fresh, err)
	}
	if fresh, err := r.pipe.Inline(t.Context(), &bot.Delivery{Source: "inline", Payload: []byte("click"), Keys: []string{"c1"}}); err != nil || fresh {
		t.Fatalf("a redelivered click: fresh %v, %v", fresh, err)
	}
	_, _, inTime := r.pipe.Answer(context.Background(), *d, time.Now().Add(20*time.Millisecond))
	if inTime {
		t.Fatal("answered in time with the engine held")
	}
	close(r.engine.release)
	eventually(t, "the late answer delivered", func() bool { return r.inbox.Finished(d.ID) })
	if got := r.plat.got(); !slices.Equal(got, []string{"click"}) || r.plat.prepared != 1 || r.engine.count() != 1 {
		t.Errorf("delivered %v, prepared %d, engine ran %d", got, r.plat.prepared, r.engine.count())
	}
}
