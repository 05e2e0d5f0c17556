package main

import (
	"sync"
	"testing"
	"time"
)

// faultKinds are the faults each event meets, one per run.
var faultKinds = []fault{crashAfterClaim, crashAfterCommit, crashAfterRecord, crashAfterSend, cutRedis, cutDB}

// faultsAtOnce bounds the scenarios that run at the same time.
const faultsAtOnce = 9

// TestFaultExactlyOnce: a weekly update typed by 张三, 王经理's click
// approving a plan and 林HR's click confirming a target adjustment each
// take effect exactly once, with one audit entry, an audit chain that
// still verifies and one answer to each person concerned, whatever
// happens while pipbot handles them:
//   - the process dies right after claiming the event, after the engine
//     committed the change (before its replies were recorded), after they
//     were recorded (before any was sent), or after the platform took the
//     first reply (before the event was finished); a second process on
//     the same database claims the event once the first one's lease runs
//     out, and neither loses nor doubles it;
//   - Redis or the database is cut off while the event is handled: until
//     they are back nothing is answered as done, no apology is sent that
//     the later success would contradict, and the event stays pending; then
//     it succeeds once, answered once.
//
// Every scenario gets a database of its own, on SQLite, PostgreSQL and
// MySQL/MariaDB, and runs beside the others.
func TestFaultExactlyOnce(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	slots := make(chan struct{}, faultsAtOnce)
	for _, db := range sqlBackends(t) {
		for _, a := range faultActions {
			for _, k := range faultKinds {
				wg.Go(func() {
					slots <- struct{}{}
					defer func() { <-slots }()
					runFault(&goT{TB: t, name: db.name + "/" + a.name + "/" + string(k)}, db.dsn, a, k)
				})
			}
		}
	}
	wg.Wait()
}

// runFault runs one event through one fault on a fresh database.
func runFault(t testing.TB, dsn func(testing.TB) string, a faultAction, k fault) {
	start := time.Now()
	r := startFaultRig(t, dsn(t))
	defer r.close()
	ev := a.prepare(r)
	sent, last := len(r.fake.Messages()), r.lastDelivery()
	switch k {
	case cutRedis, cutDB:
		r.cutOff(ev, k, sent, last)
	default:
		r.crash(ev, k, sent, last)
	}
	t.Logf("%s in %v", k, time.Since(start).Round(time.Millisecond))
}

// crash kills the first process at k and lets a second one take over.
func (r *faultRig) crash(ev faultEvent, k fault, sent int, last int64) {
	r.t.Helper()
	r.f.arm(k)
	resp := ev.send()
	select {
	case <-r.f.crashed:
	case <-time.After(10 * time.Second):
		r.t.Fatalf("the first process never got to %s", k)
	}
	r.noApology(resp, sent)
	p2 := r.second()
	r.awaitDone(last)
	p2.quiet()
	ev.effect(r, 1)
	r.answeredOnce(ev, resp, sent, k == crashAfterCommit)
}

// cutOff cuts Redis or the database off while the first process handles
// the event, then restores it.
func (r *faultRig) cutOff(ev faultEvent, k fault, sent int, last int64) {
	r.t.Helper()
	refused, handled, _ := r.f.counts()
	if k == cutRedis {
		r.redis.Close()
	} else {
		r.f.arm(cutDB)
	}
	resp := ev.send()
	var took bool // the engine handled the event without what was cut off
	eventually(r.t, "the engine to meet the cut-off", func() bool {
		nowRefused, nowHandled, failed := r.f.counts()
		took = nowHandled > handled && !failed
		return nowRefused > refused || nowHandled > handled
	})
	if took {
		// A click needs no Redis: it took effect, and is answered once.
		if k == cutDB {
			r.t.Errorf("the event took effect while the database was cut off")
		}
		r.awaitDone(last)
		r.p1.quiet()
		r.noApology(resp, sent)
		ev.effect(r, 1)
		r.answeredOnce(ev, resp, sent, false)
		return
	}
	time.Sleep(300 * time.Millisecond) // whatever the pipeline does next, it does by then
	r.noApology(resp, sent)
	if undone, _ := r.undone(last); undone == 0 {
		r.t.Fatalf("the event is done, though the engine failed on the cut-off")
	}
	ev.effect(r, 0)
	if n := len(r.fake.Messages()) - sent; n != 0 {
		r.t.Errorf("%d messages sent while the event is pending", n)
	}
	if k == cutRedis {
		if err := r.redis.Restart(); err != nil {
			r.t.Fatal(err)
		}
	} else {
		r.f.restore()
	}
	r.expireLeases()
	r.awaitDone(last)
	r.p1.quiet()
	ev.effect(r, 1)
	r.answeredOnce(ev, resp, sent, false)
}
