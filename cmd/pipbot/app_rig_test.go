package main

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"
)

// procOpts is how one pipbot process differs from serve's: the options of
// its app (the engine's ports, wrapped) and the clock of its adapter (a
// lease runs out on it); zero is serve's.
type procOpts struct {
	app   []appOption
	clock func() time.Time
}

// now is the adapter's clock.
func (p procOpts) now() func() time.Time {
	if p.clock == nil {
		return time.Now
	}
	return p.clock
}

// serveApp serves a's HTTP routes on a local port and runs its platforms on
// the adapter clock now, as serve does, until stop (or the test's end):
// stop cancels ctx by cancel, waits for both, then closes a.
func serveApp(t testing.TB, ctx context.Context, cancel context.CancelFunc, a *app, now func() time.Time) (url string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		_ = a.Close()
		t.Fatal(err)
	}
	served, ran := make(chan error, 1), make(chan struct{})
	go func() { served <- a.serveHTTP(ctx, ln) }()
	go func() { a.runPlatforms(ctx, now); close(ran) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-served
			<-ran
			_ = a.Close()
		})
	}
	t.Cleanup(stop)
	return "http://" + ln.Addr().String(), stop
}

// quietFor waits until sent, the count of what the bot has sent, stayed
// the same for gap, so that what the last command caused has all arrived.
func quietFor(t testing.TB, gap time.Duration, sent func() int) {
	t.Helper()
	n, still := sent(), time.Now()
	for deadline := time.Now().Add(10*time.Second + gap); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := sent(); m != n {
			n, still = m, time.Now()
		} else if time.Since(still) > gap {
			return
		}
	}
	t.Fatal("the bot never stopped sending")
}
