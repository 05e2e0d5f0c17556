package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// The operators' files whose expressions must name served metrics.
var (
	dashboardFile = filepath.Join("..", "..", "deploy", "grafana", "pipbot.json")
	alertsFile    = filepath.Join("..", "..", "deploy", "prometheus", "alerts.yaml")
)

// TestMetricsContract serves pipbot with Slack against the fake Web API
// and the scheduler, makes every labelled series appear (signed DMs and an
// update through the HTTP callbacks, a 429 from the fake, a reminder sent
// and one missed, the audit chains verified), scrapes /metrics and checks
// that every metric name in the Grafana dashboard's and the alerting
// rules' expressions is served.
func TestMetricsContract(t *testing.T) {
	used := map[string][]string{} // metric name → where it is used
	for _, e := range dashboardExprs(t) {
		for _, name := range promqlMetricNames(e) {
			used[name] = append(used[name], "deploy/grafana/pipbot.json")
		}
	}
	for _, e := range alertExprs(t) {
		for _, name := range promqlMetricNames(e) {
			used[name] = append(used[name], "deploy/prometheus/alerts.yaml")
		}
	}
	if len(used) < 10 {
		t.Fatalf("only %d metric names found in the dashboard and the alerts: %v", len(used), used)
	}

	served := servedMetrics(t, exerciseServer(t))
	for name, where := range used {
		if !served[name] {
			t.Errorf("%s (used in %s) is not served on /metrics", name, strings.Join(slices.Compact(where), ", "))
		}
	}
}

// exerciseServer runs the real route table, Slack adapter and scheduler on
// a loopback listener, drives them until every series the operators' files
// use exists, and returns the /metrics exposition.
func exerciseServer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	const employee, manager = "UE000000", "UM00000"
	tenant := "slack:" + slacktest.TeamID
	users := append(slackPeople(),
		slacktest.User{ID: employee, Name: "yuangong", RealName: "员工0", TZ: "Asia/Shanghai", Locale: "zh-CN"},
		slacktest.User{ID: manager, Name: "jingli", RealName: "经理0", TZ: "Asia/Shanghai", Locale: "zh-CN"})
	// One profile lookup a minute: the second new user's is answered 429.
	fake := slacktest.NewServer(t, slacktest.WithUsers(users...),
		slacktest.WithTier("users.info", 1), slacktest.WithTier("users.profile.get", 1))
	cfg, err := config.Load(mapEnv(map[string]string{"PIPBOT_DB": storagetest.SQLite(t), "SLACK_BOT_TOKEN": slacktest.BotToken,
		"SLACK_SIGNING_SECRET": e2eSigningSecret, "SLACK_API_URL": fake.APIURL()}), "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if a.slack, err = a.newSlack(ctx, time.Now); err != nil {
		t.Fatal(err)
	}
	if a.sched, err = a.newSchedule(time.Now); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served, ran := make(chan error, 1), make(chan error, 1)
	go func() { served <- a.serveHTTP(ctx, ln) }()
	go func() { ran <- a.slack.adapter.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-served
		<-ran
		_ = a.Close()
	})
	base := "http://" + ln.Addr().String()

	// Reminders: one due a minute ago is sent, one past its catch-up
	// deadline is missed, and one of a Feishu tenant fails (this process
	// has no Feishu app) and waits for a retry.
	now := time.Now()
	const larkTenant = "lark:tk_metrics"
	seedLoad(t, a.db, cfg.DB, loadSeed{tenants: []string{tenant, larkTenant}, perTenant: 1, team: 1,
		zones: []string{"Asia/Shanghai"}, now: now, parallel: 1})
	// Planned as of each of the next seven days, the rows cover a week
	// whatever today is: a weekly reminder and the manager's escalation
	// after it (each created while its deadline is ahead).
	for d := range 7 {
		if err := a.sched.planner.Plan(ctx, now.AddDate(0, 0, d)); err != nil {
			t.Fatal(err)
		}
	}
	due := plannedReminder(t, a, tenant, true)
	due.DueAt = now.Add(-time.Minute)
	expired := plannedReminder(t, a, tenant, false)
	expired.DueAt, expired.ExpiresAt = now.Add(-2*time.Hour), now.Add(-time.Hour)
	failing := plannedReminder(t, a, larkTenant, true)
	failing.DueAt = now.Add(-time.Minute)
	if _, err := a.db.UpsertReminders(ctx, []bot.Reminder{due, expired, failing}); err != nil {
		t.Fatal(err)
	}
	if sent, missed, err := a.sched.dispatcher.RunOnce(ctx); err != nil || sent != 1 || missed != 1 {
		t.Fatalf("dispatch: sent %d, missed %d, err %v; want 1 and 1", sent, missed, err)
	}

	// Inbound: help from two users the directory has not seen (the second
	// lookup is rate-limited), then the employee's weekly update, which the
	// audit log records.
	slackDM(t, base, "UEMP", "help")
	slackDM(t, base, "UMGR", "help")
	slackDM(t, base, employee, "更新 本周拜访8家客户")
	eventually(t, "the update in the audit log", func() bool {
		tenants, err := a.db.AuditTenants(ctx)
		return err == nil && slices.Contains(tenants, tenant)
	})
	a.verifyAuditChains(ctx)
	eventually(t, "a 429 from the fake Web API", func() bool { return fake.Count429() > 0 })
	if code, _ := get(t, base+"/readyz"); code != http.StatusOK {
		t.Fatalf("GET /readyz = %d", code)
	}

	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", code)
	}
	return body
}

// plannedReminder returns a pending reminder the planner stored for tenant:
// a weekly update reminder, or one of another kind.
func plannedReminder(t *testing.T, a *app, tenant string, weekly bool) bot.Reminder {
	t.Helper()
	planned, err := a.db.ListReminders(context.Background(), tenant, scheduler.ReminderFilter{Status: bot.ReminderPending})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(planned, func(r bot.Reminder) bool { return (r.Kind == bot.RemindWeekly) == weekly })
	if i < 0 {
		t.Fatalf("no planned reminder (weekly: %v) in %s: %+v", weekly, tenant, planned)
	}
	return planned[i]
}

// slackDM posts a signed message.im event from user and checks it was
// acknowledged.
func slackDM(t *testing.T, base, user, text string) {
	t.Helper()
	id := strconv.FormatInt(time.Now().UnixNano(), 10)
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": slacktest.TeamID, "api_app_id": "A1",
		"event_id": "Ev" + id, "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "message", "channel_type": "im", "channel": "D" + user, "user": user,
			"text": text, "ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), time.Now().Nanosecond()/1000), "client_msg_id": "c" + id}})
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(body))
	req.Header = slackSigned(body, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /slack/events from %s = %d", user, resp.StatusCode)
	}
}

// slackSigned is the headers of a JSON Events API request whose body Slack
// signed with e2eSigningSecret at ts.
func slackSigned(body []byte, ts time.Time) http.Header {
	unix := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(e2eSigningSecret))
	fmt.Fprintf(mac, "v0:%s:%s", unix, body)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Slack-Request-Timestamp", unix)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

// servedMetrics lists the sample names of a Prometheus text exposition
// (histograms' _bucket, _sum and _count included).
func servedMetrics(t *testing.T, exposition string) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, line := range strings.Split(exposition, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names[line[:strings.IndexAny(line, "{ ")]] = true
	}
	if !names["pipbot_http_requests_total"] {
		t.Fatalf("the scrape has no pipbot_http_requests_total:\n%s", exposition)
	}
	return names
}

// dashboardExprs returns the PromQL of every panel target of the Grafana
// dashboard, and the metric of each label_values variable.
func dashboardExprs(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct{ List []struct{ Definition string } }
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	var out []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			if strings.TrimSpace(tg.Expr) == "" {
				t.Errorf("panel %q has a target without an expression", p.Title)
			}
			out = append(out, tg.Expr)
		}
	}
	for _, v := range dash.Templating.List {
		// label_values(METRIC, LABEL): the last argument is a label.
		if args, ok := strings.CutPrefix(v.Definition, "label_values("); ok {
			if i := strings.LastIndex(args, ","); i >= 0 {
				out = append(out, args[:i])
			}
		}
	}
	return out
}

// alertExprs returns the expression of every alerting rule.
func alertExprs(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(alertsFile)
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct{ Alert, Expr string }
		}
	}
	if err := yaml.Unmarshal(data, &rules); err != nil {
		t.Fatalf("%s: %v", alertsFile, err)
	}
	var out []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || strings.TrimSpace(r.Expr) == "" {
				t.Errorf("rule %q: want an alert name and an expression", r.Alert)
			}
			out = append(out, r.Expr)
		}
	}
	return out
}

// promqlNoise is what promqlMetricNames removes before reading names:
// strings, label matchers, range and subquery brackets.
var promqlNoise = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\{[^}]*\}|\[[^\]]*\]`)

// promqlIdent is an identifier with what follows it, to tell a function
// call or a grouping clause from a metric name.
var promqlIdent = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)

// promqlGrouping is the clause of an aggregation written before its
// argument: sum by (le) (…).
var promqlGrouping = regexp.MustCompile(`^(?i:by|without)\s*\(`)

// promqlWords are the identifiers of PromQL that are no metric: keywords
// and, when followed by "(", functions and aggregations.
var promqlWords = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true, "group_left": true,
	"group_right": true, "bool": true, "and": true, "or": true, "unless": true, "offset": true, "inf": true, "nan": true}

// promqlMetricNames reads the metric names of a PromQL expression loosely:
// every identifier outside strings, braces and brackets that is not a
// keyword, a function call, a label list after by/without/on/ignoring, or
// a number's exponent.
func promqlMetricNames(expr string) []string {
	expr = promqlNoise.ReplaceAllString(expr, " ")
	var names []string
	skipList := false // inside by (...) and the like
	for _, loc := range promqlIdent.FindAllStringIndex(expr, -1) {
		word := expr[loc[0]:loc[1]]
		rest := strings.TrimLeft(expr[loc[1]:], " \t\n")
		before := strings.TrimRight(expr[:loc[0]], " \t\n")
		switch {
		case skipList:
			if strings.HasPrefix(rest, ")") {
				skipList = false
			}
			continue
		case promqlWords[strings.ToLower(word)]:
			switch strings.ToLower(word) {
			case "by", "without", "on", "ignoring", "group_left", "group_right":
				skipList = strings.HasPrefix(rest, "(") && !strings.HasPrefix(rest, "()")
			}
			continue
		case strings.HasPrefix(rest, "("), promqlGrouping.MatchString(rest): // a function or an aggregation
			continue
		case before != "" && strings.ContainsAny(before[len(before)-1:], "0123456789."): // 1e3, 5m
			continue
		}
		names = append(names, word)
	}
	return names
}

func TestPromqlMetricNames(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`sum by (route, code) (rate(pipbot_http_requests_total{route=~"POST /(slack|lark)/.*"}[5m]))`, []string{"pipbot_http_requests_total"}},
		{`max(a_b) > 50 and max(deriv(c_d[10m])) > 0`, []string{"a_b", "c_d"}},
		{`histogram_quantile(0.99, sum by (le) (rate(x_bucket{job=~"$job"}[$__rate_interval]))) > 1e3`, []string{"x_bucket"}},
		{`sum(a) / on (instance) group_left (tenant) b offset 5m`, []string{"a", "b"}},
	}
	for _, tt := range tests {
		if got := promqlMetricNames(tt.expr); !slices.Equal(got, tt.want) {
			t.Errorf("promqlMetricNames(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}
