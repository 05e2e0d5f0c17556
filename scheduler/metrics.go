package scheduler

import (
	"maps"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/prometheus/client_golang/prometheus"
)

// Reasons a reminder is marked missed, as the reason label says.
const (
	MissExpired  = "expired"  // its catch-up deadline passed before it could be sent
	MissAttempts = "attempts" // every allowed attempt failed or was interrupted
)

// Metrics counts what dispatchers do, for /metrics and `pipbot jobs`. It is
// a prometheus.Collector that the caller registers on its own registry
// (nothing global), and Snapshot reads the same counts as plain values. A
// nil *Metrics counts nothing.
type Metrics struct {
	mu        sync.Mutex
	snap      MetricsSnapshot
	sendTime  prometheus.Histogram
	delay     prometheus.Histogram
	descs     map[string]*prometheus.Desc
	missedKey map[missKey]int
}

// missKey labels the missed counter.
type missKey struct {
	kind   bot.ReminderKind
	reason string
}

// MetricsSnapshot is the counters at one moment.
type MetricsSnapshot struct {
	Sent      map[bot.ReminderKind]int // reminders marked sent
	Missed    map[bot.ReminderKind]int // reminders marked missed, any reason
	Failed    map[bot.ReminderKind]int // Notify calls that failed (retried later)
	Skipped   map[bot.ReminderKind]int // overtaken at dispatch time and cancelled (ErrSkipped)
	LeaseLost int                      // sends whose lease another dispatcher had taken
	Overdue   int                      // pending reminders already due, at the last count
}

// NewMetrics returns zeroed metrics.
func NewMetrics() *Metrics {
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &Metrics{
		snap: MetricsSnapshot{
			Sent: map[bot.ReminderKind]int{}, Missed: map[bot.ReminderKind]int{},
			Failed: map[bot.ReminderKind]int{}, Skipped: map[bot.ReminderKind]int{},
		},
		sendTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "pipbot_reminder_send_duration_seconds", Help: "Time to deliver one reminder through the platform.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12), // 10 ms to 20 s
		}),
		delay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "pipbot_reminder_delay_seconds", Help: "Time from a reminder's due time to its send; large after downtime.",
			Buckets: []float64{1, 5, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 72 * 3600},
		}),
		descs: map[string]*prometheus.Desc{
			"sent":      desc("pipbot_reminders_sent_total", "Reminders delivered and marked sent.", "kind"),
			"missed":    desc("pipbot_reminders_missed_total", "Reminders marked missed: past their catch-up deadline or out of attempts.", "kind", "reason"),
			"failed":    desc("pipbot_reminder_send_failures_total", "Failed deliveries, retried after the lease.", "kind"),
			"skipped":   desc("pipbot_reminders_skipped_total", "Reminders overtaken by events at dispatch time and cancelled unsent.", "kind"),
			"leaseLost": desc("pipbot_reminder_lease_lost_total", "Deliveries whose lease another dispatcher had taken over when they were marked."),
			"overdue":   desc("pipbot_reminders_overdue", "Pending reminders already due, at the last dispatch."),
		},
		missedKey: map[missKey]int{},
	}
}

// sent counts a delivery of r that took took and was marked at at.
func (m *Metrics) sent(r bot.Reminder, took time.Duration, at time.Time) {
	if m == nil {
		return
	}
	m.sendTime.Observe(took.Seconds())
	m.delay.Observe(max(at.Sub(r.DueAt), 0).Seconds())
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap.Sent[r.Kind]++
}

// missed counts r marked missed for reason.
func (m *Metrics) missed(r bot.Reminder, reason string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap.Missed[r.Kind]++
	m.missedKey[missKey{r.Kind, reason}]++
}

// failed counts a failed delivery of r.
func (m *Metrics) failed(r bot.Reminder) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap.Failed[r.Kind]++
}

// skipped counts r found overtaken and cancelled by the Notifier.
func (m *Metrics) skipped(r bot.Reminder) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap.Skipped[r.Kind]++
}

// leaseLost counts a delivery marked too late.
func (m *Metrics) leaseLost() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap.LeaseLost++
}

// setOverdue records the last count of overdue reminders.
func (m *Metrics) setOverdue(n int) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap.Overdue = n
}

// Snapshot copies the counters; all zero on nil.
func (m *Metrics) Snapshot() MetricsSnapshot {
	if m == nil {
		return MetricsSnapshot{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.snap
	s.Sent, s.Missed = maps.Clone(s.Sent), maps.Clone(s.Missed)
	s.Failed, s.Skipped = maps.Clone(s.Failed), maps.Clone(s.Skipped)
	return s
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range m.descs {
		ch <- d
	}
	m.sendTime.Describe(ch)
	m.delay.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for kind, n := range m.snap.Sent {
		ch <- prometheus.MustNewConstMetric(m.descs["sent"], prometheus.CounterValue, float64(n), string(kind))
	}
	for k, n := range m.missedKey {
		ch <- prometheus.MustNewConstMetric(m.descs["missed"], prometheus.CounterValue, float64(n), string(k.kind), k.reason)
	}
	for kind, n := range m.snap.Failed {
		ch <- prometheus.MustNewConstMetric(m.descs["failed"], prometheus.CounterValue, float64(n), string(kind))
	}
	for kind, n := range m.snap.Skipped {
		ch <- prometheus.MustNewConstMetric(m.descs["skipped"], prometheus.CounterValue, float64(n), string(kind))
	}
	ch <- prometheus.MustNewConstMetric(m.descs["leaseLost"], prometheus.CounterValue, float64(m.snap.LeaseLost))
	ch <- prometheus.MustNewConstMetric(m.descs["overdue"], prometheus.GaugeValue, float64(m.snap.Overdue))
	m.sendTime.Collect(ch)
	m.delay.Collect(ch)
}
