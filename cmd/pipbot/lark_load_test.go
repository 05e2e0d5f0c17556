package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
	"github.com/larksuite/oapi-sdk-go/v3/core/httpserverext"
	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// Load parameters of the acknowledgment figure.
const (
	loadEvents  = 4000
	loadClients = 16
	loadRounds  = 3
)

// TestLarkAckLoad measures events/s and the p99 acknowledgment time of
// POST /lark/events with the durable inbox write, against the Lark SDK's
// own bare httpserverext handler (decrypt, verify, dispatch to a no-op), on
// the same encrypted and signed events over loopback. Rounds alternate so
// both see the same machine. Run with PIPBOT_LOAD=1; PIPBOT_TEST_POSTGRES
// adds a PostgreSQL column.
func TestLarkAckLoad(t *testing.T) {
	if os.Getenv("PIPBOT_LOAD") == "" {
		t.Skip("set PIPBOT_LOAD=1 to run the acknowledgment load figure")
	}
	targets := map[string]string{"sdk-bare": ""}
	targets["pipbot-sqlite"] = storagetest.SQLite(t)
	if os.Getenv(storagetest.EnvPostgres) != "" {
		targets["pipbot-postgres"] = storagetest.Postgres(t)
	}
	names := []string{"sdk-bare", "pipbot-sqlite", "pipbot-postgres"}
	results := map[string][]loadResult{}
	for round := 0; round < loadRounds; round++ {
		for _, name := range names {
			dsn, ok := targets[name]
			if !ok {
				continue
			}
			url, stop := startAckTarget(t, name, dsn)
			bodies := sealedEvents(round, name, loadEvents)
			results[name] = append(results[name], hammer(t, url, bodies))
			stop()
		}
	}
	t.Logf("%d signed, encrypted events per round, %d concurrent clients, %d rounds, medians:", loadEvents, loadClients, loadRounds)
	base := median(results["sdk-bare"], func(r loadResult) float64 { return r.perSecond })
	baseP99 := median(results["sdk-bare"], func(r loadResult) float64 { return r.p99.Seconds() * 1000 })
	for _, name := range names {
		rs, ok := results[name]
		if !ok {
			continue
		}
		eps := median(rs, func(r loadResult) float64 { return r.perSecond })
		p50 := median(rs, func(r loadResult) float64 { return r.p50.Seconds() * 1000 })
		p99 := median(rs, func(r loadResult) float64 { return r.p99.Seconds() * 1000 })
		t.Logf("%-16s %8.0f events/s (%.2f× sdk)  p50 %6.2f ms  p99 %6.2f ms (%.2f× sdk)  non-200: %d",
			name, eps, eps/base, p50, p99, p99/baseP99, rs[0].failed)
	}
}

type loadResult struct {
	perSecond float64
	p50, p99  time.Duration
	failed    int
}

// startAckTarget serves /lark/events either with pipbot (durable inbox
// write; the worker does not run, so only the acknowledgment is measured)
// or with the SDK's bare handler.
func startAckTarget(t *testing.T, name, dsn string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler
	var closeApp func()
	if name == "sdk-bare" {
		d := dispatcher.NewEventDispatcher(e2eToken, e2eKey).
			OnP2MessageReceiveV1(func(context.Context, *larkim.P2MessageReceiveV1) error { return nil })
		d.InitConfig(larkevent.WithLogLevel(larkcore.LogLevelError))
		mux := http.NewServeMux()
		mux.HandleFunc("POST /lark/events", httpserverext.NewEventHandlerFunc(d))
		handler, closeApp = mux, func() {}
	} else {
		fake := larktest.NewServer(t)
		cfg := config.Default()
		cfg.DB = dsn
		cfg.Lark = config.LarkConfig{AppID: larktest.AppID, AppSecret: larktest.AppSecret, VerificationToken: e2eToken,
			EncryptKey: e2eKey, Domain: fake.URL, Mode: "webhook"}
		a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		if a.lark, err = a.newLark(ctx, time.Now); err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		for _, r := range a.lark.routes() {
			mux.Handle(r.pattern, r.handler)
		}
		handler, closeApp = a.metrics.instrument(mux), func() { _ = a.Close() }
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/lark/events", func() {
		_ = srv.Shutdown(context.Background())
		cancel()
		closeApp()
	}
}

// sealedEvents prepares n distinct message events, encrypted and signed.
func sealedEvents(round int, name string, n int) [][2]any {
	out := make([][2]any, n)
	for i := range out {
		msg := larktest.TextMessage(fmt.Sprintf("om-%s-%d-%d", name, round, i), "oc_load", "p2p", "ou_load", e2eTenantKey, "帮助", nil)
		plain := larktest.Event(fmt.Sprintf("ev-%s-%d-%d", name, round, i), "im.message.receive_v1", e2eTenantKey, e2eToken, msg)
		body, h := larktest.Seal(plain, e2eKey, time.Now())
		out[i] = [2]any{body, h}
	}
	return out
}

// hammer posts every body with loadClients concurrent keep-alive clients
// and measures each acknowledgment.
func hammer(t *testing.T, url string, bodies [][2]any) loadResult {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients}, Timeout: 10 * time.Second}
	lat := make([]time.Duration, len(bodies))
	var failed int
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	start := time.Now()
	for range loadClients {
		wg.Go(func() {
			for i := range next {
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i][0].([]byte)))
				req.Header = bodies[i][1].(http.Header).Clone()
				t0 := time.Now()
				resp, err := client.Do(req)
				lat[i] = time.Since(t0)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		})
	}
	for i := range bodies {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	return loadResult{perSecond: float64(len(bodies)) / elapsed.Seconds(), p50: lat[len(lat)/2], p99: lat[len(lat)*99/100], failed: failed}
}

func median(rs []loadResult, f func(loadResult) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}
