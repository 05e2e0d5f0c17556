package main

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// faultAction is a kind of event that must take effect exactly once, on
// one platform.
type faultAction struct {
	name string
	// prepare starts the rig's first process and brings the tenant, through
	// it, to where the event means something; it returns the event.
	prepare func(r *faultRig) faultEvent
}

// faultEvent is one event and what it must do, once.
type faultEvent struct {
	actor string
	// send delivers the event to the first process; a click returns the
	// callback's answer.
	send func() map[string]any
	// replaced lists the cards that replaced a clicked one, as shown; nil
	// for a typed message.
	replaced func(resp map[string]any) []string
	// effect checks, on the database, that the event took effect exactly
	// once (n is 1), or not at all (n is 0).
	effect func(r *faultRig, n int)
	// replies is how many messages each person gets for it.
	replies map[string]int
}

var faultActions = []faultAction{
	{"feishu/weekly update", func(r *faultRig) faultEvent { return startLarkFaults(r).update() }},
	{"feishu/approval click", func(r *faultRig) faultEvent { return startLarkFaults(r).approval() }},
	{"feishu/adjustment confirmation", func(r *faultRig) faultEvent { return startLarkFaults(r).adjustConfirm() }},
	{"feishu/guided draft answer", func(r *faultRig) faultEvent { return startLarkFaults(r).guideAnswer() }},
	{"slack/weekly update", func(r *faultRig) faultEvent { return startSlackFaults(r).update() }},
}

// faultKinds are the faults each event meets, one per run.
var faultKinds = []fault{crashAfterClaim, crashAfterCommit, crashAfterRecord, crashAfterSend, crashBeforeFinish, cutRedis, cutDB}

// TestFaultExactlyOnce: on Feishu, a weekly update typed by 张三, 王经理's
// click approving a plan, 林HR's click confirming a target adjustment and
// an answer inside a guided draft, and on Slack the typed weekly update,
// each take effect exactly once, with one audit entry, an audit chain that
// still verifies and one answer to each person concerned, whatever
// happens while pipbot handles them:
//   - the process dies right after claiming the event, after the engine
//     wrote the change (before its replies were recorded beside it, in the
//     same transaction), after they were committed (before any was sent), after the platform took the
//     first reply, or all of them (before the event was finished); a
//     second process on the same database claims the event once the first
//     one's lease runs out, and neither loses nor doubles it, nor any
//     notice to someone else;
//   - Redis or the database is cut off while the event is handled: an
//     event that needs what is cut off stays pending, nothing of it is
//     answered as done and no apology is sent that the later success would
//     contradict; once it is back, the event succeeds once, answered once
//     (an event that needs neither, a click with Redis down, is handled
//     once as usual).
//
// Every scenario is a subtest with its own processes, fake platform,
// Redis and employee. A few scenarios of an event run one after another on
// a database of their own (SQLite, PostgreSQL and MySQL/MariaDB: see
// faultsPerDB), beside the others (not as parallel subtests: go test runs
// only GOMAXPROCS of those at once, and a scenario mostly waits).
func TestFaultExactlyOnce(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	slots := make(chan struct{}, faultsAtOnce)
	for _, a := range faultActions {
		for _, db := range sqlBackends(t) {
			per := faultsPerDB
			if db.name == "sqlite" {
				per = 1
			}
			for c := range (len(faultKinds) + per - 1) / per {
				wg.Go(func() {
					slots <- struct{}{}
					defer func() { <-slots }()
					t.Run(fmt.Sprintf("%s/%s/db%d", db.name, a.name, c+1), func(t *testing.T) {
						dsn := db.dsn(t)
						for who := c * per; who < min(len(faultKinds), (c+1)*per); who++ {
							k := faultKinds[who]
							t.Run(string(k), func(t *testing.T) { runFault(t, dsn, who, a, k) })
						}
					})
				})
			}
		}
	}
	wg.Wait()
}

// faultsAtOnce bounds the databases in use at once, each running its
// scenarios one after another: a scenario mostly waits, but two cores
// shared with the database servers only go so far.
const faultsAtOnce = 24

// faultsPerDB is how many scenarios of an event share a PostgreSQL or
// MySQL database, one after another: a fresh one each would cost the
// server more in migrations than the scenarios cost (a SQLite file does
// not: there, each has its own), and one for all would make them wait for
// each other.
const faultsPerDB = 2

// runFault runs one event through one fault: the who-th scenario on the
// database, with an employee of its own.
func runFault(t testing.TB, dsn string, who int, a faultAction, k fault) {
	r := newFaultRig(t, dsn, who)
	ev := a.prepare(r)
	defer r.close()
	r.awaitDone(0) // whatever the preparation said has been said
	r.plat.quiet()
	sent, last := r.sent(), r.lastDelivery()
	switch k {
	case cutRedis, cutDB:
		r.cutOff(ev, k, sent, last)
	default:
		r.crash(ev, k, sent, last)
	}
}

// crash kills the first process at k and lets a second one take over.
func (r *faultRig) crash(ev faultEvent, k fault, sent int, last int64) {
	r.t.Helper()
	posts := 1
	if k == crashBeforeFinish {
		posts = 0
		for _, n := range ev.replies {
			posts += n
		}
	}
	r.f.arm(k, posts)
	answer := sendAsync(ev)
	select {
	case <-r.f.crashed:
	case <-time.After(30 * time.Second):
		r.t.Fatalf("the first process never got to %s", k)
	}
	r.plat.second(r)
	r.awaitDone(last)
	r.plat.quiet()
	resp := answer()
	r.noApology(resp, sent)
	ev.effect(r, 1)
	r.answeredOnce(ev, resp, sent)
}

// cutOff cuts Redis or the database off while the first process handles
// the event, then restores it.
func (r *faultRig) cutOff(ev faultEvent, k fault, sent int, last int64) {
	r.t.Helper()
	refused, handled, _ := r.f.counts()
	if k == cutRedis {
		r.redis.Close()
	} else {
		r.f.arm(cutDB, 0)
	}
	answer := sendAsync(ev)
	var took bool // the engine handled the event without what was cut off
	eventually(r.t, "the engine to meet the cut-off", func() bool {
		nowRefused, nowHandled, failed := r.f.counts()
		took = nowHandled > handled && !failed
		return nowRefused > refused || nowHandled > handled
	})
	resp := answer()
	if took {
		// A click needs no Redis: it took effect, and is answered once.
		if k == cutDB {
			r.t.Errorf("the event took effect while the database was cut off")
		}
		r.awaitDone(last)
		r.plat.quiet()
		r.noApology(resp, sent)
		ev.effect(r, 1)
		r.answeredOnce(ev, resp, sent)
		return
	}
	time.Sleep(300 * time.Millisecond) // whatever the pipeline does next, it does by then
	r.noApology(resp, sent)
	if undone, _ := r.undone(last); undone == 0 {
		r.t.Fatalf("the event is done, though the engine failed on the cut-off")
	}
	ev.effect(r, 0)
	if n := r.sent() - sent; n != 0 {
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
	r.plat.quiet()
	ev.effect(r, 1)
	r.answeredOnce(ev, resp, sent)
}

// sendAsync sends ev and returns a wait for its answer (a click's, nil for
// a message), so that a click's callback, which the first process may
// answer only when its budget is spent, keeps nothing else waiting.
func sendAsync(ev faultEvent) (answer func() map[string]any) {
	got := make(chan map[string]any, 1)
	go func() {
		defer close(got) // also when send fails the test and exits
		got <- ev.send()
	}()
	return func() map[string]any { return <-got }
}
