package main

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/bot"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds pipbot's Prometheus collectors in a registry of their own,
// so nothing depends on the library's global one. It is the engine's
// bot.Observer.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	commands *prometheus.CounterVec
	duration *prometheus.HistogramVec
	auditOK  *prometheus.GaugeVec
	recorded *prometheus.CounterVec
}

var _ bot.Observer = (*metrics)(nil)

// routeUnmatched labels requests that matched no route, so that scanners
// probing random paths cannot blow up the label set.
const routeUnmatched = "unmatched"

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pipbot_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pipbot_commands_total",
			Help: `Commands and card actions handled by the engine, by outcome ("ok" or the error code).`,
		}, []string{"command", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pipbot_command_duration_seconds",
			Help:    "Time the engine took to handle a command or card action.",
			Buckets: prometheus.DefBuckets,
		}, []string{"command"}),
		auditOK: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "pipbot_audit_chain_ok",
			Help: "Whether the tenant's audit log hash chain verified at the last check (1) or is broken (0).",
		}, []string{"tenant"}),
		recorded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pipbot_events_recorded_total",
			Help: `Inbound events by platform, source and what the inbox did ("stored", "duplicate", "failed"), on every transport: webhooks, Feishu's long connection, Slack's Socket Mode.`,
		}, []string{"platform", "source", "outcome"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.commands, m.duration, m.auditOK, m.recorded,
	)
	return m
}

// CommandHandled implements bot.Observer.
func (m *metrics) CommandHandled(name string, code bot.Code, took time.Duration) {
	outcome := string(code)
	if outcome == "" {
		outcome = "ok"
	}
	m.commands.WithLabelValues(name, outcome).Inc()
	m.duration.WithLabelValues(name).Observe(took.Seconds())
}

// recordedOn counts the inbound events of platform (for the adapters'
// Recorded option).
func (m *metrics) recordedOn(platform string) func(string, inbound.Outcome) {
	return func(source string, o inbound.Outcome) { m.recorded.WithLabelValues(platform, source, string(o)).Inc() }
}

// auditChecked records the outcome of verifying a tenant's audit chain.
func (m *metrics) auditChecked(c bot.AuditCheck) {
	ok := 0.0
	if c.OK() {
		ok = 1
	}
	m.auditOK.WithLabelValues(c.Tenant).Set(ok)
}

// handler serves the registry in the Prometheus exposition format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// instrument counts every request next serves, labelled with the pattern
// the ServeMux matched (r.Pattern, set by the mux on the same request), not
// the raw path.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = routeUnmatched
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.status())).Inc()
	})
}

// statusWriter remembers the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}
