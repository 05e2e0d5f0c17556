package scheduler_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/prometheus/client_golang/prometheus"
)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The ticker runs both jobs at start and then on their periods; a planner
// that panics is logged and runs again at its next tick; the reminders it
// plans are dispatched.
func TestTickerPlansAndDispatches(t *testing.T) {
	db := openSQLite(t)
	p := newFakePlatform()
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	var plans atomic.Int32
	plan := func(ctx context.Context) error {
		n := plans.Add(1)
		if n == 1 {
			panic("planner bug")
		}
		r := dueReminders(1, time.Now())[0]
		r.DueKey = fmt.Sprintf("tick-%d", n)
		_, err := db.UpsertReminders(ctx, []bot.Reminder{r})
		return err
	}
	d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Notifier: p, Owner: "a", Log: log})
	tk, err := scheduler.NewTicker(scheduler.TickerOptions{Dispatcher: d, Plan: plan, DispatchEvery: time.Second, PlanEvery: time.Second, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- tk.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for keys, _ := p.counts(t); keys < 1; keys, _ = p.counts(t) {
		if time.Now().After(deadline) {
			t.Fatalf("nothing sent in 10 s; %d plans; logs:\n%s", plans.Load(), logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if n := plans.Load(); n < 2 {
		t.Errorf("planner ran %d times, want again after its panic", n)
	}
	if !strings.Contains(logs.String(), "planner bug") {
		t.Errorf("the panic is not logged:\n%s", logs.String())
	}
}

// Run returns only once the jobs in flight have seen the context end and
// returned.
func TestTickerWaitsForRunningJobs(t *testing.T) {
	d := newDispatcher(t, scheduler.DispatcherOptions{Store: openSQLite(t), Notifier: newFakePlatform(), Owner: "a"})
	started := make(chan struct{})
	var finished atomic.Bool
	tk, err := scheduler.NewTicker(scheduler.TickerOptions{Dispatcher: d, Plan: func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond)
		finished.Store(true)
		return ctx.Err()
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- tk.Run(ctx) }()
	<-started
	stop()
	if err := <-done; err != nil || !finished.Load() {
		t.Fatalf("Run returned %v with the planner finished = %v", err, finished.Load())
	}
	if _, err := scheduler.NewTicker(scheduler.TickerOptions{}); err == nil {
		t.Error("NewTicker without a dispatcher succeeded")
	}
}

// The metrics are a collector for the caller's own registry.
func TestMetricsCollect(t *testing.T) {
	db := openSQLite(t)
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	rs := dueReminders(3, t0)
	rs[2].ExpiresAt = t0.Add(time.Minute)
	mustUpsert(t, db, rs)
	m := scheduler.NewMetrics()
	d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Notifier: newFakePlatform(), Owner: "a", Metrics: m,
		Now: func() time.Time { return t0.Add(time.Hour) }})
	if _, _, err := d.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(m)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range families {
		for _, mt := range f.GetMetric() {
			var labels []string
			for _, l := range mt.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			v := mt.GetCounter().GetValue() + mt.GetGauge().GetValue() + float64(mt.GetHistogram().GetSampleCount())
			got = append(got, fmt.Sprintf("%s{%s} %g", f.GetName(), strings.Join(labels, ","), v))
		}
	}
	want := "pipbot_reminder_delay_seconds{} 2\npipbot_reminder_lease_lost_total{} 0\npipbot_reminder_send_duration_seconds{} 2\n" +
		"pipbot_reminders_missed_total{kind=weekly_update,reason=expired} 1\npipbot_reminders_overdue{} 0\n" +
		"pipbot_reminders_sent_total{kind=weekly_update} 2"
	if s := strings.Join(got, "\n"); s != want {
		t.Errorf("gathered:\n%s\nwant:\n%s", s, want)
	}
}
