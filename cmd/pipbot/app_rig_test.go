package main

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"
)

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
