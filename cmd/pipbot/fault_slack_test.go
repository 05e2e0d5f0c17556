package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// slackFaults is the Slack side of a fault rig.
type slackFaults struct {
	r      *faultRig
	fake   *slacktest.Server
	setup  slackSetup // the second process's; the first one's API is the proxy
	emp    string     // the scenario's employee, 王经理's report by the manager field
	people []string
	p1, p2 *slackRig
}

// startSlackFaults starts the first process against a fake Web API that
// knows the scenario's employee besides everyone else.
func startSlackFaults(r *faultRig) *slackFaults {
	r.t.Helper()
	sf := &slackFaults{r: r, emp: fmt.Sprintf("UEMP%d", r.who)}
	users := append(slackPeople(), slacktest.User{ID: sf.emp, Name: strings.ToLower(sf.emp), RealName: fmt.Sprintf("员工%d", r.who),
		TZ: "Asia/Shanghai", Locale: "zh-CN", Fields: map[string]string{e2eManagerField: "UMGR"}})
	for _, u := range users {
		sf.people = append(sf.people, u.ID)
	}
	sf.fake = slacktest.NewServer(r.t, slacktest.WithUsers(users...))
	proxy := r.f.proxy(r.t, sf.fake.APIURL(), func(req *http.Request, status int, body []byte) bool {
		var out struct {
			OK bool `json:"ok"`
		}
		return req.URL.Path == "/api/chat.postMessage" && status == http.StatusOK && json.Unmarshal(body, &out) == nil && out.OK
	})
	sf.setup = slackSetup{users: users, env: map[string]string{"SLACK_MANAGER_FIELD": e2eManagerField, "PIPBOT_REDIS": r.redisURL()}}
	first := slackSetup{users: users, env: maps.Clone(sf.setup.env)}
	first.env["SLACK_API_URL"] = proxy
	sf.p1 = startSlackProc(r.t, r.dsn, first, sf.fake, r.p1Opts())
	sf.p1.seq.Store(int64(r.who) << 20) // event ids of its own: the database keeps earlier scenarios' keys
	r.plat, r.app, r.tenant = sf, sf.p1.a, e2eTenant
	return sf
}

func (sf *slackFaults) second(r *faultRig) {
	sf.p2 = startSlackProc(r.t, r.dsn, sf.setup, sf.fake, r.p2Opts())
}

func (sf *slackFaults) close() {
	sf.p1.stop()
	if sf.p2 != nil {
		sf.p2.stop()
	}
}

func (sf *slackFaults) messages() []faultMessage {
	who := map[string]string{}
	for _, id := range sf.people {
		if dm, ok := sf.fake.DM(id); ok {
			who[dm] = id
		}
	}
	var out []faultMessage
	for _, m := range sf.fake.Messages() {
		to := m.Channel
		if id, ok := who[to]; ok {
			to = id
		}
		out = append(out, faultMessage{to: to, shown: shownText(m.Text, m.Blocks)})
	}
	return out
}

// quiet waits until nothing was posted for longer than the adapter's pace
// of a post a second in a DM.
func (sf *slackFaults) quiet() {
	sf.r.t.Helper()
	quietFor(sf.r.t, 1200*time.Millisecond, func() int { return len(sf.fake.Messages()) })
}

// update: the employee's plan is submitted, approved by 王经理 and
// acknowledged from the cards; he types his weekly update in his DM, which is stored once,
// audited once, confirmed to him and told to his manager.
func (sf *slackFaults) update() faultEvent {
	s := sf.p1
	p := s.createFromModal(sf.emp)
	n := strconv.Itoa(p.Number)
	mgrDM, empDM := s.fake.OpenDM("UMGR"), s.fake.OpenDM(sf.emp)
	sent := len(s.fake.Messages())
	s.slash(sf.emp, "submit "+n)
	approval := s.awaitMessage(mgrDM, sent, "plan.approve")
	sent = len(s.fake.Messages())
	s.click("UMGR", mgrDM, approval.TS, approval.Blocks, "plan.approve")
	ack := s.awaitMessage(empDM, sent, "plan.ack")
	s.click(sf.emp, empDM, ack.TS, ack.Blocks, "plan.ack")
	eventually(sf.r.t, "the plan active", func() bool { return s.plan(p.Number).Status == bot.StatusActive })
	sf.quiet()
	return faultEvent{
		actor:   sf.emp,
		send:    func() map[string]any { s.say(sf.emp, "更新 季度销售额 42万 本周拜访8家"); return nil },
		effect:  func(r *faultRig, n int) { r.updated(p.ID, 420000, n) },
		replies: map[string]int{sf.emp: 1, "UMGR": 1},
	}
}
