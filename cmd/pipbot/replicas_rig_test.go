package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// replicaRig is three `pipbot serve` processes on one database (a fresh
// schema or database of the test server) and one Redis (the shared
// PIPBOT_TEST_REDIS), both platforms configured against in-process fakes
// whose ceilings are scaled as the binary's buckets are. Every id the
// processes write to Redis under (app id, open_ids, Slack user ids, event
// ids) carries run, which no other run uses; cleanup deletes those keys.
type replicaRig struct {
	t        *testing.T
	run      string // decimal digits, fresh per rig
	dsn      string
	redisURL string
	sql      *sql.DB  // the database, read directly
	app      *app     // in process, on the same database: migrations, read-backs, planning
	seed     *gorm.DB // seeds plans and people straight into the tables
	batch    int
	lark     *larktest.Server
	slack    *slacktest.Server
	appID    string
	tk       string // the Feishu tenant key
	procs    []*replicaProc
	numbers  map[string]int // plan numbers used so far, by tenant
	logged   map[string]int // error lines of each replica logged so far
	redis    *storage.Redis // the shared Redis, to warm the DM cache
	dir      string
	bin      string
}

// newReplicaRig prepares the fakes, the database and the in-process app;
// start then starts the processes.
func newReplicaRig(t *testing.T, bin, dsn, redisURL string) *replicaRig {
	t.Helper()
	n, err := rand.Int(rand.Reader, big.NewInt(1e8))
	if err != nil {
		t.Fatal(err)
	}
	r := &replicaRig{t: t, run: fmt.Sprintf("%08d", n.Int64()), dsn: dsn, redisURL: redisURL,
		numbers: map[string]int{}, logged: map[string]int{}, dir: t.TempDir(), bin: bin}
	r.appID, r.tk = "cli_r"+r.run, "tk_r"+r.run
	r.lark = larktest.NewServer(t, larktest.WithApp(r.appID, larktest.AppSecret), larktest.WithScale(replicaScale))
	r.slack = slacktest.NewServer(t, slacktest.WithScale(replicaScale))

	ctx := context.Background()
	cfg := config.Default()
	cfg.DB = dsn
	if r.app, err = newApp(ctx, cfg, testLog(t)); err != nil { // migrates
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.app.Close() })
	r.sql = rawSQL(t, dsn)
	if strings.HasPrefix(dsn, "mysql://") {
		r.seed, err = gorm.Open(gormmysql.New(gormmysql.Config{Conn: r.sql}),
			&gorm.Config{Logger: gormlogger.Discard, SkipDefaultTransaction: true})
		if err != nil {
			t.Fatal(err)
		}
		r.batch = 500
	} else {
		r.seed, r.batch = openSeedDB(t, dsn)
	}
	if r.redis, err = storage.OpenRedis(ctx, redisURL, testLog(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.redis.Close() })
	t.Cleanup(func() { r.cleanRedis() })
	return r
}

// env is the processes' environment: both platforms against the fakes,
// the database, the shared Redis, nothing from the test's own environment.
func (r *replicaRig) env() []string {
	return []string{
		"PIPBOT_DB=" + r.dsn, "PIPBOT_REDIS=" + r.redisURL, "PIPBOT_TZ=Asia/Shanghai", "PIPBOT_LOCALE=zh",
		"LARK_APP_ID=" + r.appID, "LARK_APP_SECRET=" + larktest.AppSecret, "LARK_VERIFICATION_TOKEN=" + e2eToken,
		"LARK_ENCRYPT_KEY=" + e2eKey, "LARK_DOMAIN=" + r.lark.URL, "LARK_MODE=webhook",
		"SLACK_BOT_TOKEN=" + slacktest.BotToken, "SLACK_SIGNING_SECRET=" + e2eSigningSecret,
		"SLACK_API_URL=" + r.slack.APIURL(),
	}
}

// start starts n replicas, one after the other.
func (r *replicaRig) start(n int) {
	r.t.Helper()
	for i := range n {
		r.procs = append(r.procs, startReplica(r.t, r.bin, r.dir, fmt.Sprintf("replica-%d", i+1), r.env()))
	}
}

// live are the replicas still running.
func (r *replicaRig) live() []*replicaProc {
	var out []*replicaProc
	for _, p := range r.procs {
		if p.alive() {
			out = append(out, p)
		}
	}
	return out
}

// logErrors logs how many ERROR lines each replica wrote since the last
// call, and the first few: a loaded machine makes some (a recorded event
// whose write missed its deadline is answered 500 and redelivered), and
// they say why a figure is what it is.
func (r *replicaRig) logErrors(part string) {
	r.t.Helper()
	for _, p := range r.procs {
		all := p.errors()
		lines := all[min(r.logged[p.name], len(all)):]
		r.logged[p.name] = len(all)
		if len(lines) == 0 {
			continue
		}
		r.t.Logf("%s: %s logged %d errors, first: %.300s", part, p.name, len(lines), lines[0])
	}
}

// Tenants of the rig.
func (r *replicaRig) larkTenant() string  { return bot.PlatformLark + ":" + r.tk }
func (r *replicaRig) slackTenant() string { return bot.PlatformSlack + ":" + slacktest.TeamID }

// larkUser and slackUser are the id of person i of group g ("a" for the
// people who write, "b" for those reminded).
func (r *replicaRig) larkUser(g string, i int) string {
	return fmt.Sprintf("ou_r%s%s%05d", r.run, g, i)
}
func (r *replicaRig) slackUser(g string, i int) string {
	return fmt.Sprintf("U%s%s%05d", r.run, strings.ToUpper(g), i)
}

// seedPlans gives each of ids (people of tenant on platform, new to the
// directory, which the fake of the platform also knows) one active plan
// without a manager, started 30 days ago and ending on end, and an update
// of this week, so that planning now wants no weekly reminder and no
// escalation: the only reminders due are those a test arranges with end.
func (r *replicaRig) seedPlans(tenant string, ids []string, end time.Time) {
	r.t.Helper()
	ctx := context.Background()
	g := r.seed.WithContext(ctx)
	now := time.Now()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	week := bot.WeekKey(now, sh)
	started := now.Add(-30 * 24 * time.Hour)
	platform, _, _ := strings.Cut(tenant, ":")
	people := make([]seedPersonRow, 0, len(ids))
	for _, id := range ids {
		people = append(people, seedPersonRow{Tenant: tenant, ID: id, Name: "员工" + id[len(id)-5:], Locale: "zh",
			TZ: "Asia/Shanghai", UpdatedAt: seedTime(now)})
		if platform == bot.PlatformLark {
			r.lark.SetUser(larktest.User{OpenID: id, Name: "员工" + id[len(id)-5:], TimeZone: "Asia/Shanghai"})
			r.lark.SetChat(dm(id), "p2p")
		} else {
			r.slack.SetUser(slacktest.User{ID: id, Name: "u" + strings.ToLower(id), RealName: "员工" + id[len(id)-5:],
				TZ: "Asia/Shanghai", Locale: "zh-CN"})
		}
	}
	if err := g.CreateInBatches(&people, r.batch).Error; err != nil {
		r.t.Fatalf("seed people: %v", err)
	}
	plans := make([]seedPlanRow, 0, len(ids))
	for _, id := range ids {
		r.numbers[tenant]++
		plans = append(plans, seedPlanRow{Tenant: tenant, Number: r.numbers[tenant], Version: 1, Platform: platform,
			Title: "季度销售额改进", EmployeeID: id, CreatedBy: id, EmployeeType: string(bot.TypeUnderPerformer),
			Status: string(bot.StatusActive), Cycle: 1, StartAt: seedTime(started), EndAt: seedTime(end),
			Gap:    bot.Gap{Metric: "季度销售额", Target: 500000, Actual: 350000, Unit: "元"},
			Causes: []bot.RootCause{{Dimension: bot.DimPerson, Text: "客户跟进不及时"}},
			Goals: []bot.Goal{{No: 1, Metric: "季度销售额", Baseline: 350000, Target: 500000, Unit: "元",
				Deadline: *seedTime(end), Current: 380000, Updated: true}},
			Actions: []bot.Action{{No: 1, What: "更新客户拜访记录",
				When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Friday}, Clock: "17:00"}}},
			ApprovedAt: seedTime(started), AckedAt: seedTime(started), StartedAt: seedTime(started),
			CreatedAt: seedTime(started), UpdatedAt: seedTime(started)})
	}
	if err := g.CreateInBatches(&plans, r.batch).Error; err != nil {
		r.t.Fatalf("seed plans: %v", err)
	}
	updates := make([]seedUpdateRow, 0, len(plans))
	for _, p := range plans {
		updates = append(updates, seedUpdateRow{Tenant: tenant, PlanID: p.ID, AuthorID: p.EmployeeID, Week: week,
			Text: "本周拜访8家客户", Values: []bot.GoalValue{{Goal: 1, Value: 380000}}, At: seedTime(now)})
	}
	if err := g.CreateInBatches(&updates, r.batch).Error; err != nil {
		r.t.Fatalf("seed updates: %v", err)
	}
	last := plans[len(plans)-1]
	if p, err := r.app.db.PlanByNumber(ctx, tenant, last.Number); err != nil || !p.Tracking() || p.EmployeeID != last.EmployeeID {
		r.t.Fatalf("seeded plan %d reads back as %+v (%v)", last.Number, p, err)
	}
}

// openSlackDMs opens each user's DM at the fake, as if they had talked to
// the bot before, and puts it in the shared DM cache where a deployment
// that has run a while keeps it (the Slack sender's "slack:dm:TEAM:USER"
// entries), so that a fan-out to thousands does not start with as many
// conversations.open calls (Tier 3). It returns the DMs by user.
func (r *replicaRig) openSlackDMs(users []string) map[string]string {
	r.t.Helper()
	ctx := context.Background()
	out := make(map[string]string, len(users))
	for _, u := range users {
		out[u] = r.slack.OpenDM(u)
		if err := r.redis.Set(ctx, "slack:dm:"+slacktest.TeamID+":"+u, []byte(out[u]), time.Hour); err != nil {
			r.t.Fatal(err)
		}
	}
	return out
}

// cleanRedis deletes the keys of the run from the shared Redis: every key
// the processes wrote names the run's app, people or events.
func (r *replicaRig) cleanRedis() {
	opts, err := redis.ParseURL(r.redisURL)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := redis.NewClient(opts)
	defer c.Close()
	iter := c.Scan(ctx, 0, storage.DefaultKeyPrefix+"*"+r.run+"*", 1000).Iterator()
	for iter.Next(ctx) {
		_ = c.Del(ctx, iter.Val()).Err()
	}
	if err := iter.Err(); err != nil {
		r.t.Logf("clean up redis keys of run %s: %v", r.run, err)
	}
}

// count runs a counting query on the rig's database.
func (r *replicaRig) count(query string, args ...any) int {
	r.t.Helper()
	var n int
	if err := r.sql.QueryRow(query, args...).Scan(&n); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// strings runs a query of one text column on the rig's database.
func (r *replicaRig) strings(query string) []string {
	r.t.Helper()
	rows, err := r.sql.Query(query)
	if err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			r.t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
	return out
}

// replicaEnv skips the test unless PIPBOT_TEST_REDIS is set and returns it.
func replicaEnv(t *testing.T) string {
	t.Helper()
	url := os.Getenv(storagetest.EnvRedis)
	if url == "" {
		t.Skip(storagetest.EnvRedis + " is not set: the replicas share a real Redis")
	}
	return url
}
