package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipbot/pipbot/storage"
)

// Operators' metrics beside those of metrics.go: how fast callbacks are
// acknowledged, what the inbox still holds, and how often a platform
// answered 429. deploy/grafana and deploy/prometheus chart and alert on
// them.

// ackBuckets span the platforms' 3 s acknowledgment window.
var ackBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5}

// timeRequests observes how long next takes to answer each request, by the
// route pattern the ServeMux matched, in pipbot_http_request_duration_seconds:
// for the callback routes that is the acknowledgment latency.
func timeRequests(reg prometheus.Registerer, next http.Handler) http.Handler {
	h := registerOrReuse(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "pipbot_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route pattern; on the callback routes, the platform's acknowledgment latency.",
		Buckets: ackBuckets,
	}, []string{"route"}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		route := r.Pattern // set by the ServeMux on this same request
		if route == "" {
			route = routeUnmatched
		}
		h.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// registerOrReuse registers c, or returns the collector already registered
// under its name (a second server on the same app).
func registerOrReuse[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err) // a programming error: two metrics of one name
	}
	return c
}

// backlogTimeout bounds the inbox query of one scrape.
const backlogTimeout = time.Second

// inboxBacklog reports the inbox's pending deliveries and the age of the
// oldest, read from the database at each scrape, so every replica reports
// the shared inbox and the figures survive restarts.
type inboxBacklog struct {
	db      *storage.DB
	now     func() time.Time
	pending *prometheus.Desc
	age     *prometheus.Desc
}

func newInboxBacklog(db *storage.DB, now func() time.Time) *inboxBacklog {
	return &inboxBacklog{db: db, now: now,
		pending: prometheus.NewDesc("pipbot_inbox_pending", "Inbound events stored and not yet handled, in the shared inbox.", nil, nil),
		age:     prometheus.NewDesc("pipbot_inbox_oldest_pending_seconds", "Age of the oldest inbound event not yet handled; 0 when none.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (b *inboxBacklog) Describe(ch chan<- *prometheus.Desc) { ch <- b.pending; ch <- b.age }

// Collect implements prometheus.Collector. A failed query reports nothing,
// so a gap in the graph shows the database was not answering.
func (b *inboxBacklog) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), backlogTimeout)
	defer cancel()
	bl, err := b.db.InboxBacklog(ctx)
	if err != nil {
		return
	}
	age := 0.0
	if !bl.Oldest.IsZero() {
		age = max(b.now().Sub(bl.Oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(b.pending, prometheus.GaugeValue, float64(bl.Pending))
	ch <- prometheus.MustNewConstMetric(b.age, prometheus.GaugeValue, age)
}

// rateLimits counts the platforms' 429 answers by API, from the HTTP
// client the platform SDKs use.
type rateLimits struct {
	counter *prometheus.CounterVec
}

func newRateLimits(reg prometheus.Registerer) *rateLimits {
	return &rateLimits{counter: registerOrReuse(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pipbot_platform_rate_limited_total",
		Help: "HTTP 429 answers from a platform's API, by platform and API method.",
	}, []string{"platform", "api"}))}
}

// client is an HTTP client for platform's SDK, bounded by timeout, that
// counts its 429 answers.
func (l *rateLimits) client(platform string, timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: countingTransport{platform: platform, next: http.DefaultTransport, counter: l.counter}}
}

// countingTransport counts 429 answers; it does not change the exchange.
type countingTransport struct {
	platform string
	next     http.RoundTripper
	counter  *prometheus.CounterVec
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		t.counter.WithLabelValues(t.platform, apiName(t.platform, r)).Inc()
	}
	return resp, err
}

// apiName names the API of a request in few enough values for a label:
// Slack's method ("chat.postMessage"), Feishu's method and the first three
// path segments after /open-apis ("POST im/v1/messages"), never an id.
func apiName(platform string, r *http.Request) string {
	path := strings.Trim(r.URL.Path, "/")
	if platform == "slack" {
		return path[strings.LastIndex(path, "/")+1:]
	}
	if _, rest, ok := strings.Cut(path, "open-apis/"); ok {
		path = rest
	}
	parts := strings.SplitN(path, "/", 4)
	return r.Method + " " + strings.Join(parts[:min(len(parts), 3)], "/")
}
