package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// footprintUsers is how many people write to the bot in the footprint run.
const footprintUsers = 200

// TestServeFootprint measures what deploy/helm/pipbot/values.yaml sizes its
// resource requests from: the resident memory and CPU of a `pipbot serve`
// process built from this tree, idle, under steady signed Slack DMs at 10
// and 50 events/s from 200 people (replies through the fake Web API), and
// under a burst of 4,000 events from 16 clients. PostgreSQL and Redis come
// from PIPBOT_TEST_POSTGRES and PIPBOT_TEST_REDIS when set (as in a team
// deployment), else SQLite and the embedded Redis. Run with PIPBOT_LOAD=1.
func TestServeFootprint(t *testing.T) {
	if os.Getenv("PIPBOT_LOAD") == "" {
		t.Skip("set PIPBOT_LOAD=1 to measure the memory and CPU of pipbot serve")
	}
	bin := filepath.Join(t.TempDir(), "pipbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	users := slackPeople()
	var ids []string
	for i := range footprintUsers {
		id := fmt.Sprintf("U0F%03d", i)
		ids = append(ids, id)
		users = append(users, slacktest.User{ID: id, Name: "f" + id, RealName: "F " + id, TZ: "Asia/Shanghai", Locale: "zh-CN"})
	}
	fake := slacktest.NewServer(t, slacktest.WithUsers(users...))
	env := []string{"SLACK_BOT_TOKEN=" + slacktest.BotToken, "SLACK_SIGNING_SECRET=" + e2eSigningSecret,
		"SLACK_API_URL=" + fake.APIURL(), "PIPBOT_DB=" + storagetest.SQLite(t)}
	stores := "SQLite, embedded Redis"
	if os.Getenv(storagetest.EnvPostgres) != "" {
		env[len(env)-1], stores = "PIPBOT_DB="+storagetest.Postgres(t), "PostgreSQL"
		if r := os.Getenv(storagetest.EnvRedis); r != "" {
			env, stores = append(env, "PIPBOT_REDIS="+r), stores+", Redis"
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = append(env, "PIPBOT_ADDR="+addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	p := &proc{pid: cmd.Process.Pid}
	eventually(t, "pipbot serve ready", func() bool {
		r, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == http.StatusOK
	})
	time.Sleep(5 * time.Second)
	_, idle := p.sample(t)
	t.Logf("%s; idle: RSS %.1f MiB", stores, idle)

	url := "http://" + addr + "/slack/events"
	for i, rate := range []int{10, 50} {
		evs := footprintEvents(fake, ids, fmt.Sprint("steady", i), rate*30)
		cpu, peak := p.during(t, func() { paced(url, evs, rate) })
		t.Logf("%d events/s for 30 s: %.0f millicores, peak RSS %.1f MiB", rate, cpu, peak)
	}
	var res loadResult
	cpu, peak := p.during(t, func() { res = hammer(t, url, footprintEvents(fake, ids, "burst", 4000)) })
	t.Logf("burst of 4000 events, %d clients: %.0f events/s, p99 ack %v, %d failed; %.0f millicores, peak RSS %.1f MiB; %d replies posted in all",
		loadClients, res.perSecond, res.p99, res.failed, cpu, peak, len(fake.Messages()))
	if res.failed != 0 || peak > 256 {
		t.Errorf("%d events failed, peak RSS %.1f MiB (the chart's limit is 256 MiB)", res.failed, peak)
	}
	cancel()
}

// proc reads a process's CPU time and resident memory from /proc.
type proc struct {
	pid int
}

// sample returns the CPU seconds used so far and the RSS in MiB.
func (p *proc) sample(t *testing.T) (cpu, rssMiB float64) {
	t.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	rssPages, _ := strconv.ParseFloat(f[21], 64)
	return (utime + stime) / 100, rssPages * float64(os.Getpagesize()) / (1 << 20)
}

// during runs load and 3 s of draining after it, and returns the CPU used
// in millicores and the peak RSS in MiB, sampled every 100 ms.
func (p *proc) during(t *testing.T, load func()) (millicores, peakMiB float64) {
	t.Helper()
	cpu0, _ := p.sample(t)
	start := time.Now()
	var mu sync.Mutex
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			_, rss := p.sample(t)
			mu.Lock()
			peakMiB = max(peakMiB, rss)
			mu.Unlock()
		}
	}()
	load()
	time.Sleep(3 * time.Second)
	close(done)
	<-sampled
	cpu1, _ := p.sample(t)
	return 1000 * (cpu1 - cpu0) / time.Since(start).Seconds(), peakMiB
}

// paced posts the events at rate a second, each in its own request.
func paced(url string, evs [][2]any, rate int) {
	client := &http.Client{Timeout: 10 * time.Second}
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	for _, ev := range evs {
		<-tick.C
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(ev[0].([]byte)))
			req.Header = ev[1].(http.Header)
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
}

// footprintEvents prepares n signed "help" DMs, the people taking turns,
// each in their own DM channel of the fake; ids are new on every run, so a
// shared Redis's dedupe keys of an earlier run do not swallow them.
func footprintEvents(fake *slacktest.Server, ids []string, name string, n int) [][2]any {
	out := make([][2]any, n)
	now := time.Now()
	for i := range out {
		u := ids[i%len(ids)]
		body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": slacktest.TeamID, "api_app_id": "A1",
			"event_id": fmt.Sprintf("Ev-%s-%d-%d", name, now.UnixNano(), i), "event_time": now.Unix(),
			"event": map[string]any{"type": "message", "channel_type": "im", "channel": fake.OpenDM(u), "user": u,
				"text": "help", "ts": fmt.Sprintf("%d.%06d", now.Unix(), i), "client_msg_id": fmt.Sprintf("c-%s-%d-%d", name, now.UnixNano(), i)}})
		out[i] = [2]any{body, slackSigned(body, now)}
	}
	return out
}
