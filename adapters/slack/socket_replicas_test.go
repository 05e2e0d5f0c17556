package slack

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// Several replicas may each hold a Socket Mode connection (Slack allows up
// to 10 per app): Slack gives each envelope to one of them, a retry may
// reach another, and the shared inbox gives every event one effect. When
// one replica stops, the others keep receiving and nothing is lost.
func TestSocketModeReplicas(t *testing.T) {
	srv := newSocketServer(t)
	socket := func(o *Options) { o.SigningSecret, o.AppToken, o.APIURL = "", "xapp-1-A0PIP-FAKE", srv.URL+"/api/" }
	a := newRig(t, socket)
	b := newRig(t, func(o *Options) {
		socket(o)
		o.Inbox, o.Engine, o.Deliverer, o.Owner = a.inbox, a.engine, a.out, "replica-b"
	})
	ctxA, stopA := context.WithCancel(context.Background())
	doneA := make(chan error, 1)
	go func() { doneA <- a.a.Run(ctxA) }()
	connA := srv.next()
	b.start(t)
	connB := srv.next()
	conns := []*socketConn{connA, connB}

	event := func(n int) []byte {
		return withEdits(t, recorded(t, "event_message_im.json"), map[string]any{
			"event_id": fmt.Sprintf("Ev0REP%04d", n), "event.client_msg_id": fmt.Sprintf("msg-%d", n),
			"event.ts": fmt.Sprintf("1781258400.%06d", n), "event.event_ts": fmt.Sprintf("1781258400.%06d", n)})
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	const first, total = 20, 30
	for n := range first {
		conns[rnd.IntN(2)].envelope(t, fmt.Sprintf("env-%d", n), "events_api", event(n), false, 0)
		if n%5 == 0 { // Slack's retry, to whichever connection
			conns[rnd.IntN(2)].envelope(t, fmt.Sprintf("env-%d-retry", n), "events_api", event(n), false, 1)
		}
	}
	eventually(t, "the first events handled", func() bool { return len(a.engine.commands()) >= first })

	stopA()
	select {
	case err := <-doneA:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("replica A did not stop")
	}
	select {
	case <-connA.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("replica A's connection stayed open")
	}
	for n := first; n < total; n++ {
		connB.envelope(t, fmt.Sprintf("env-%d", n), "events_api", event(n), false, 0)
	}
	eventually(t, "every event handled", func() bool { return len(a.engine.commands()) >= total })
	time.Sleep(50 * time.Millisecond)

	var handled []string
	for _, c := range a.engine.commands() {
		handled = append(handled, c.EventID)
	}
	a.inbox.CheckOnceEach(t, handled, total)
}
