package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// fakePinger answers Ping with err, or blocks until ctx ends when hang.
type fakePinger struct {
	err  error
	hang bool
}

func (f fakePinger) Ping(ctx context.Context) error {
	if f.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return f.err
}

func TestReadiness(t *testing.T) {
	ok := fakePinger{}
	tests := []struct {
		name     string
		checks   []readyCheck
		stopping bool
		code     int
		body     string
	}{
		{"all up", []readyCheck{{"database", ok}, {"redis", ok}}, false, 200, "ok"},
		{"redis down", []readyCheck{{"database", ok}, {"redis", fakePinger{err: errors.New("dial redis://:secret@h")}}}, false, 503, "redis unavailable"},
		{"database slow", []readyCheck{{"database", fakePinger{hang: true}}, {"redis", ok}}, false, 503, "database unavailable"},
		{"shutting down", []readyCheck{{"database", ok}, {"redis", ok}}, true, 503, "shutting down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := &readiness{checks: tt.checks, timeout: 50 * time.Millisecond, log: slog.New(slog.DiscardHandler)}
			rd.stopping.Store(tt.stopping)
			w := httptest.NewRecorder()
			rd.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
			if got := strings.TrimSpace(w.Body.String()); w.Code != tt.code || got != tt.body {
				t.Errorf("got %d %q, want %d %q", w.Code, got, tt.code, tt.body)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	m := newMetrics()
	mux := newMux([]route{
		{"GET /plans/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.PathValue("id") == "0" {
				http.NotFound(w, r)
				return
			}
			io.WriteString(w, "plan")
		})},
		{"GET /metrics", m.handler()},
	})
	srv := httptest.NewServer(m.instrument(mux))
	defer srv.Close()
	for _, path := range []string{"/plans/1", "/plans/2", "/plans/0", "/elsewhere"} {
		get(t, srv.URL+path)
	}
	m.CommandHandled("help", "", 3*time.Millisecond)
	m.CommandHandled("approve", "", 20*time.Millisecond)
	m.CommandHandled("approve", bot.EFORBIDDEN, time.Millisecond)

	_, body := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`pipbot_http_requests_total{code="200",route="GET /plans/{id}"} 2`,
		`pipbot_http_requests_total{code="404",route="GET /plans/{id}"} 1`,
		`pipbot_http_requests_total{code="404",route="unmatched"} 1`,
		`pipbot_commands_total{command="help",outcome="ok"} 1`,
		`pipbot_commands_total{command="approve",outcome="ok"} 1`,
		`pipbot_commands_total{command="approve",outcome="forbidden"} 1`,
		`pipbot_command_duration_seconds_count{command="approve"} 2`,
		`pipbot_command_duration_seconds_bucket{command="help",le="0.005"} 1`,
		"process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "/plans/1") {
		t.Errorf("/metrics labels a raw path:\n%s", body)
	}
}
