package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// The multi-replica run (issue 11, point 1). Sizes as the issue sets them.
const (
	replicaProcs      = 3
	replicaWriters    = 250  // people per platform who write to the bot
	replicaPerWriter  = 4    // events each writes: 2,000 in all
	replicaTwiceShare = 0.20 // of the events delivered to two replicas at once
	replicaLarkDue    = 3000 // due reminders on Feishu
	replicaSlackDue   = 2000 // and on Slack: 5,000 in all
	replicaKillAt     = 0.3  // share of the fan-out sent when one replica is killed
	// replicaRedeliveries bounds the deliveries of one request, the
	// platform's retries of an answer other than 200 included.
	replicaRedeliveries = 5
)

// TestReplicas starts three real `pipbot serve` processes on one PostgreSQL
// database and one Redis, Feishu (webhook) and Slack (Events API) both
// configured against the fakes, and checks what several replicas promise:
//
//   - 2,000 signed events (Feishu encrypted, Slack signed; each a typed
//     weekly update), spread over the replicas at random and 20% of them
//     delivered to two replicas at once, each have exactly one effect (one
//     stored update, one audit entry) and one reply at the fake;
//   - 5,000 due reminders, fanned out by all three schedulers, are each
//     sent once, with no 429 from either fake: the buckets are in Redis;
//   - one replica killed with SIGKILL in the middle of the fan-out: the
//     other two finish it once its leases run out, nothing lost, nothing
//     doubled (Feishu by uuid; Slack's residual window is counted);
//   - on MariaDB (PIPBOT_TEST_MYSQL), the event part again.
//
// It needs PIPBOT_TEST_POSTGRES (or PIPBOT_TEST_MYSQL) and PIPBOT_TEST_REDIS.
// The binary is built with link-time tuning (replicas_proc_test.go): the
// fakes' ceilings and pipbot's buckets scaled by 20, leases of 20 s.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three pipbot processes for a minute or two")
	}
	redisURL := replicaEnv(t)
	if os.Getenv(storagetest.EnvPostgres) == "" && os.Getenv(storagetest.EnvMySQL) == "" {
		t.Skip("neither " + storagetest.EnvPostgres + " nor " + storagetest.EnvMySQL + " is set")
	}
	bin := buildTuned(t)
	t.Run("postgres", func(t *testing.T) {
		r := newReplicaRig(t, bin, storagetest.Postgres(t), redisURL)
		r.start(replicaProcs)
		r.events()
		r.fanOut()
	})
	t.Run("mariadb", func(t *testing.T) {
		r := newReplicaRig(t, bin, storagetest.MySQL(t), redisURL)
		r.start(replicaProcs)
		r.events()
	})
}

// replicaEvent is one inbound event as its platform sends it.
type replicaEvent struct {
	user, token, path string
	req               signed
}

// updateToken finds the event's mark in a stored update's text.
var updateToken = regexp.MustCompile(`ev\d+x\d+`)

// events is part (a): the writers' plans are seeded, every writer sends
// replicaPerWriter weekly updates, each a distinct event, posted to a
// replica at random, a fifth of them to two at once.
func (r *replicaRig) events() {
	t := r.t
	var larkWriters, slackWriters []string
	for i := range replicaWriters {
		larkWriters = append(larkWriters, r.larkUser("a", i))
		slackWriters = append(slackWriters, r.slackUser("a", i))
	}
	far := time.Now().AddDate(0, 2, 0)
	r.seedPlans(r.larkTenant(), larkWriters, far)
	r.seedPlans(r.slackTenant(), slackWriters, far)
	dms := r.openSlackDMs(slackWriters)
	chatOf := map[string]string{} // where each writer's replies go, to the writer
	for _, u := range larkWriters {
		chatOf[dm(u)] = u
	}
	for u, d := range dms {
		chatOf[d] = u
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 15 * time.Second}
	post := func(p *replicaProc, e replicaEvent) (int, []byte) {
		req, _ := http.NewRequest(http.MethodPost, p.url+e.path, bytes.NewReader(e.req.body))
		req.Header = e.req.h.Clone()
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, body
	}
	// deliver posts e as the platforms do: a delivery not acknowledged
	// with 200 (a 5xx when the inbox write missed its deadline on a loaded
	// machine) is sent again, the same body, a moment later; answers lists
	// every status it got, the last one final.
	deliver := func(p *replicaProc, e replicaEvent) (answers []int, body []byte) {
		for try := range replicaRedeliveries {
			if try > 0 {
				time.Sleep(500 * time.Millisecond)
				e.req.h = e.req.h.Clone()
				e.req.h.Set("X-Slack-Retry-Num", fmt.Sprint(try)) // Feishu sends no such header; it is ignored there
				e.req.h.Set("X-Slack-Retry-Reason", "http_error")
			}
			code, b := post(p, e)
			answers, body = append(answers, code), b
			if code == http.StatusOK {
				break
			}
		}
		return answers, body
	}
	larkSeal, slackSeal := inboundPlatform{}.seal, inboundPlatform{}.seal
	for _, p := range inboundPlatforms {
		if p.name == "feishu" {
			larkSeal = p.seal
		} else {
			slackSeal = p.seal
		}
	}
	// Each Feishu writer first asks for the update form ("更新" alone), so
	// that one of their updates can be a click on its submit button.
	forms := r.updateForms(larkWriters, larkSeal, deliver)

	var evs []replicaEvent
	now := time.Now()
	for k := range replicaPerWriter {
		for i := range replicaWriters {
			n := len(evs)
			tok := fmt.Sprintf("ev%sx%d", r.run, n)
			u := larkWriters[i]
			if k == 0 {
				form := forms[u]
				click := larktest.CardAction(u, r.tk, form.ID, form.ChatID, buttonValue(t, form.Card, "plan.update"),
					map[string]any{"goal_1": "", "text": "本周拜访客户 " + tok})
				click["token"] = r.lark.CardToken(form.ID)
				body := larktest.Event("e-"+tok, "card.action.trigger", r.tk, e2eToken, click)
				evs = append(evs, replicaEvent{user: u, token: tok, path: "/lark/cards", req: larkSeal(body, now)})
			} else {
				body := larktest.Event("e-"+tok, "im.message.receive_v1", r.tk, e2eToken,
					larktest.TextMessage("om_"+tok, dm(u), "p2p", u, r.tk, "更新 本周拜访客户 "+tok, nil))
				evs = append(evs, replicaEvent{user: u, token: tok, path: "/lark/events", req: larkSeal(body, now)})
			}

			tok = fmt.Sprintf("ev%sx%d", r.run, n+1)
			u = slackWriters[i]
			body, _ := json.Marshal(map[string]any{"type": "event_callback", "token": "x", "team_id": slacktest.TeamID,
				"api_app_id": "A1", "event_id": "Ev" + tok, "event_time": now.Unix(),
				"event": map[string]any{"type": "message", "channel_type": "im", "user": u, "team": slacktest.TeamID,
					"text": "update visited clients " + tok, "channel": dms[u],
					"ts": fmt.Sprintf("%d.%06d", 1790000000+k, n), "client_msg_id": "cm-" + tok}})
			evs = append(evs, replicaEvent{user: u, token: tok, path: "/slack/events", req: slackSeal(body, now)})
		}
	}
	mrand.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
	twice := int(float64(len(evs)) * replicaTwiceShare)

	// Deliver: 16 clients; an event delivered twice goes to two distinct
	// replicas at the same instant.
	var mu sync.Mutex
	statuses := map[int]int{} // every answer, redeliveries included
	unacked := 0              // deliveries never acknowledged
	perReplica := make([]int, len(r.procs))
	answers := map[string]int{} // what the click deliveries were answered, by kind
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range 16 {
		wg.Go(func() {
			for i := range next {
				e := evs[i]
				a := mrand.IntN(len(r.procs))
				to := []int{a}
				if i < twice {
					to = append(to, (a+1+mrand.IntN(len(r.procs)-1))%len(r.procs))
				}
				codes, bodies := make([][]int, len(to)), make([][]byte, len(to))
				var both sync.WaitGroup
				gate := make(chan struct{})
				for j, p := range to {
					both.Go(func() { <-gate; codes[j], bodies[j] = deliver(r.procs[p], e) })
				}
				close(gate)
				both.Wait()
				mu.Lock()
				for j, cs := range codes {
					for _, c := range cs {
						statuses[c]++
					}
					if cs[len(cs)-1] != http.StatusOK {
						unacked++
					}
					perReplica[to[j]] += len(cs)
					if e.path == "/lark/cards" {
						answers[clickAnswer(bodies[j])]++
					}
				}
				mu.Unlock()
			}
		})
	}
	for i := range evs {
		next <- i
	}
	close(next)
	wg.Wait()
	acked := time.Since(start)

	// Wait for every effect and reply, then a quiet second, and count.
	tenants := fmt.Sprintf("('%s', '%s')", r.larkTenant(), r.slackTenant())
	// A reply is counted per writer; one that does not say the update was
	// recorded is kept for the failure message.
	var odd []string
	repliesOf := func() (byUser map[string]int, notSaved int) {
		byUser, odd = map[string]int{}, nil
		check := func(u, shown string) {
			byUser[u]++
			if !strings.Contains(shown, "进展已记录") || apologetic(shown) {
				notSaved++
				odd = append(odd, shown)
			}
		}
		for _, m := range r.lark.Messages() {
			if u, ok := chatOf[m.ChatID]; ok && m.ID != forms[u].ID {
				check(u, content(m))
			}
		}
		for _, m := range r.slack.Messages() {
			if u, ok := chatOf[m.Channel]; ok {
				check(u, shownText(m.Text, m.Blocks))
			}
		}
		return byUser, notSaved
	}
	total := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	// Every delivery done and a reply for each event: nothing more comes.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		undone := r.count("SELECT count(*) FROM inbox WHERE status <> 'done'")
		byUser, _ := repliesOf()
		if undone == 0 && total(byUser) >= len(evs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 2 minutes: %d deliveries not done, %d replies to %d events", undone, total(byUser), len(evs))
		}
		time.Sleep(100 * time.Millisecond)
	}
	finished := time.Since(start)
	time.Sleep(time.Second)

	effects := map[string]int{}
	for _, text := range r.strings("SELECT text FROM plan_updates WHERE tenant IN " + tenants) {
		if tok := updateToken.FindString(text); tok != "" {
			effects[tok]++
		}
	}
	audits := r.count("SELECT count(*) FROM audit_log WHERE tenant IN " + tenants + " AND action = 'plan.update'")
	deliveries := r.count("SELECT count(*) FROM inbox")
	byUser, apologies := repliesOf()
	for i, shown := range odd {
		if i == 3 {
			break
		}
		t.Errorf("a reply that does not say the update was recorded: %.300s", shown)
	}

	var lostEffects, doubledEffects, wrongReplies int
	for _, e := range evs {
		switch n := effects[e.token]; {
		case n == 0:
			lostEffects++
		case n > 1:
			doubledEffects += n - 1
		}
	}
	for _, u := range append(larkWriters, slackWriters...) {
		if byUser[u] != replicaPerWriter {
			wrongReplies++
			if wrongReplies <= 5 {
				t.Errorf("%s got %d replies to %d updates", u, byUser[u], replicaPerWriter)
			}
		}
	}
	requests := 0
	for _, n := range statuses {
		requests += n
	}
	t.Logf("%s: %d events (%d Feishu: %d typed, %d card clicks; %d Slack typed) from %d people, %d of them delivered to two replicas at once: %d requests (per replica %v), statuses %v (%d redelivered after a non-200, %d never acknowledged), acknowledged in %v, all handled in %v",
		r.app.db.Kind(), len(evs), len(evs)/2, len(evs)/2-replicaWriters, replicaWriters, len(evs)/2, 2*replicaWriters, twice,
		requests, perReplica, statuses, requests-len(evs)-twice, unacked, acked.Round(time.Millisecond), finished.Round(time.Millisecond))
	t.Logf("card clicks answered in the 3 s window: %v (the saved card follows as a message either way)", answers)
	r.logErrors("events")
	t.Logf("effects: %d updates stored for %d events (%d lost, %d doubled), %d plan.update audit entries, %d inbox deliveries (%d forms asked for first); replies at the fakes: %d (%d people with other than %d, %d not saying the update was recorded); 429s: Feishu %d, Slack %d",
		total(effects), len(evs), lostEffects, doubledEffects, audits, deliveries, replicaWriters, total(byUser), wrongReplies, replicaPerWriter, apologies,
		r.lark.Count429(), r.slack.Count429())
	if lostEffects != 0 || doubledEffects != 0 || audits != len(evs) || deliveries != len(evs)+replicaWriters || total(byUser) != len(evs) ||
		wrongReplies != 0 || apologies != 0 || unacked != 0 {
		t.Errorf("want each of %d events acknowledged (200) on every delivery, after redeliveries, with one update, one audit entry, one delivery row and one reply", len(evs))
	}
	if answers["other"] != 0 {
		t.Errorf("%d card clicks answered with something else than the update's toast, \"working on it\" or nothing", answers["other"])
	}
	if n := r.lark.Count429() + r.slack.Count429(); n != 0 {
		t.Errorf("%d 429s from the fakes, want 0", n)
	}
}

// updateForms has each Feishu writer ask for the weekly update form, on a
// replica in turn, and returns the form card each was sent.
func (r *replicaRig) updateForms(writers []string, seal func([]byte, time.Time) signed,
	deliver func(*replicaProc, replicaEvent) ([]int, []byte)) map[string]larktest.Message {
	t := r.t
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				u, id := writers[i], fmt.Sprintf("form%sx%d", r.run, i)
				body := larktest.Event("e-"+id, "im.message.receive_v1", r.tk, e2eToken,
					larktest.TextMessage("om_"+id, dm(u), "p2p", u, r.tk, "更新", nil))
				if codes, _ := deliver(r.procs[i%len(r.procs)], replicaEvent{path: "/lark/events", req: seal(body, time.Now())}); codes[len(codes)-1] != http.StatusOK {
					t.Errorf("asking for the update form: %v", codes)
				}
			}
		})
	}
	for i := range writers {
		next <- i
	}
	close(next)
	wg.Wait()
	forms := map[string]larktest.Message{}
	deadline := time.Now().Add(60 * time.Second)
	for len(forms) < len(writers) {
		for _, m := range r.lark.Messages() {
			if u := "ou_" + strings.TrimPrefix(m.ChatID, "oc_p2p_"); strings.HasPrefix(u, "ou_r"+r.run) &&
				findButton(m.Card, "plan.update") != nil && strings.Contains(content(m), "goal_1") {
				forms[u] = m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d update forms sent after 60 s", len(forms), len(writers))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return forms
}

// clickAnswer sorts a card callback's answer: the update's success toast,
// "working on it" (the answer follows as a message), nothing (a second
// delivery of a click already answered), or other.
func clickAnswer(body []byte) string {
	var a struct {
		Toast *struct{ Type, Content string }
		Card  any
	}
	switch {
	case json.Unmarshal(body, &a) != nil:
		return "other"
	case a.Toast == nil && a.Card == nil:
		return "nothing"
	case a.Toast != nil && a.Toast.Type == "success" && strings.Contains(a.Toast.Content, "整体进度"):
		return "saved"
	case a.Toast != nil && a.Toast.Type == "info" && strings.Contains(a.Toast.Content, "处理中"):
		return "working on it"
	}
	return "other"
}
