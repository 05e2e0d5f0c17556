package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	goslack "github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestSlackAckLoad measures events/s and the p99 acknowledgment time of
// POST /slack/events with the durable inbox write, against a bare handler
// that only verifies the signature with slack-go and answers 200, on the
// same signed message.im events over loopback. Run with PIPBOT_LOAD=1;
// PIPBOT_TEST_POSTGRES adds a PostgreSQL column.
func TestSlackAckLoad(t *testing.T) {
	if os.Getenv("PIPBOT_LOAD") == "" {
		t.Skip("set PIPBOT_LOAD=1 to run the acknowledgment load figure")
	}
	targets := map[string]string{"slack-go-bare": "", "pipbot-sqlite": storagetest.SQLite(t)}
	if os.Getenv(storagetest.EnvPostgres) != "" {
		targets["pipbot-postgres"] = storagetest.Postgres(t)
	}
	names := []string{"slack-go-bare", "pipbot-sqlite", "pipbot-postgres"}
	results := map[string][]loadResult{}
	for round := 0; round < loadRounds; round++ {
		for _, name := range names {
			dsn, ok := targets[name]
			if !ok {
				continue
			}
			url, stop := startSlackAckTarget(t, name, dsn)
			results[name] = append(results[name], hammer(t, url, signedSlackEvents(round, name, loadEvents)))
			stop()
		}
	}
	t.Logf("%d signed events per round, %d concurrent clients, %d rounds, medians:", loadEvents, loadClients, loadRounds)
	base := median(results["slack-go-bare"], func(r loadResult) float64 { return r.perSecond })
	baseP99 := median(results["slack-go-bare"], func(r loadResult) float64 { return r.p99.Seconds() * 1000 })
	for _, name := range names {
		rs, ok := results[name]
		if !ok {
			continue
		}
		eps := median(rs, func(r loadResult) float64 { return r.perSecond })
		p50 := median(rs, func(r loadResult) float64 { return r.p50.Seconds() * 1000 })
		p99 := median(rs, func(r loadResult) float64 { return r.p99.Seconds() * 1000 })
		t.Logf("%-16s %8.0f events/s (%.2f× bare)  p50 %6.2f ms  p99 %6.2f ms (%.2f× bare)  non-200: %d",
			name, eps, eps/base, p50, p99, p99/baseP99, rs[0].failed)
	}
}

// startSlackAckTarget serves /slack/events with pipbot (the worker does not
// run, so only the acknowledgment is measured) or with the bare verifier.
func startSlackAckTarget(t *testing.T, name, dsn string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	closeApp := func() {}
	if name == "slack-go-bare" {
		mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) {
			sv, err := goslack.NewSecretsVerifier(r.Header, e2eSigningSecret)
			if err != nil {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if _, err := io.Copy(&sv, r.Body); err != nil || sv.Ensure() != nil {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
	} else {
		fake := slacktest.NewServer(t)
		cfg := config.Default()
		cfg.DB = dsn
		cfg.Slack = config.SlackConfig{BotToken: slacktest.BotToken, SigningSecret: e2eSigningSecret, APIURL: fake.APIURL()}
		a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		if a.slack, err = a.newSlack(ctx, time.Now); err != nil {
			t.Fatal(err)
		}
		for _, r := range a.slack.routes() {
			mux.Handle(r.pattern, r.handler)
		}
		closeApp = func() { _ = a.Close() }
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/slack/events", func() {
		_ = srv.Shutdown(context.Background())
		cancel()
		closeApp()
	}
}

// signedSlackEvents prepares n distinct message.im events, signed now.
func signedSlackEvents(round int, name string, n int) [][2]any {
	out := make([][2]any, n)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	for i := range out {
		body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": slacktest.TeamID, "api_app_id": "A1",
			"event_id": fmt.Sprintf("Ev-%s-%d-%d", name, round, i), "event_time": time.Now().Unix(),
			"event": map[string]any{"type": "message", "channel_type": "im", "channel": "D0LOAD", "user": "U0LOAD",
				"text": "help", "ts": fmt.Sprintf("1700000000.%06d", round*100000+i), "client_msg_id": fmt.Sprintf("c-%s-%d-%d", name, round, i)}})
		mac := hmac.New(sha256.New, []byte(e2eSigningSecret))
		fmt.Fprintf(mac, "v0:%s:%s", ts, body)
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		out[i] = [2]any{body, h}
	}
	return out
}
