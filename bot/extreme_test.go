package bot_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// ExtremeCorpus is where TestExtremeCorpus keeps what the engine answers
// for the largest plans, for the adapters' limit validators
// (adapters/lark/card, adapters/slack/blockkit) to render: one entry per
// message kind and plan size, the replies as bot.MarshalReplies writes
// them, gzipped (the texts repeat, so 12 MB of JSON keep in a few
// hundred KB).
const extremeCorpus = "testdata/extreme_replies.json.gz"

// longText is n runes of Chinese with emoji, Latin letters and the
// characters renderers must escape.
func longText(n int) string {
	const unit = "客户满意度提升😀A<b>&\"*_~"
	r := []rune(strings.Repeat(unit, n/len([]rune(unit))+1))
	return string(r[:n])
}

// sizes are the plans of the corpus: one at every input limit (10 goals,
// 20 actions, 5 problems of 5 causes, names of 60 characters, actions of
// 500, notes of 2,000), and one far past them, as plans stored before the
// limits may be (100 goals and actions, every text 2,500 characters).
var sizes = []struct {
	name                                 string
	problems, causes, goals, actions     int
	name1, unit, cause, action, typedLen int
}{
	{"limits", 5, 5, 10, 20, 60, 60, 500, 500, 2000},
	{"beyond", 5, 5, 100, 100, 2500, 2500, 2500, 2500, 2000},
}

// grow gives plan n the size s, as the store would hold it.
func grow(t *testing.T, w *world, n int, size struct {
	name                                 string
	problems, causes, goals, actions     int
	name1, unit, cause, action, typedLen int
}) {
	p := w.plan(n)
	when := p.Actions[0].When
	p.Problems = p.Problems[:1]
	for i := range size.problems {
		if i >= len(p.Problems) {
			p.Problems = append(p.Problems, p.Problems[0])
		}
		pr := &p.Problems[i]
		pr.No, pr.Priority = i+1, i+1
		pr.Gap.Metric, pr.Gap.Unit = longText(size.name1), longText(min(size.unit, 60))
		pr.Causes = nil
		for range size.causes {
			pr.Causes = append(pr.Causes, bot.RootCause{Dimension: bot.DimWork, Text: longText(size.cause)})
		}
	}
	g0 := p.Goals[0]
	p.Goals = nil
	for i := range size.goals {
		g := g0
		g.No, g.Problem = i+1, i%size.problems+1
		g.Metric, g.Unit = longText(size.name1), longText(min(size.unit, 60))
		p.Goals = append(p.Goals, g)
	}
	p.Actions = nil
	for i := range size.actions {
		p.Actions = append(p.Actions, bot.Action{No: i + 1, What: longText(size.action), When: when,
			Resources: longText(size.action), Measure: longText(size.action), OwnerKind: bot.OwnerEmployee, Status: bot.ActionNotStarted})
	}
	if err := w.store.SavePlan(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// TestExtremeCorpus answers every message kind for the plans of sizes and
// holds the answers to the corpus the adapters' validators render (with
// -update, it rewrites it): plan cards for each role, lists and overviews,
// and every form a plan opens. Each answer must be a real one, not a
// refusal.
func TestExtremeCorpus(t *testing.T) {
	corpus := map[string]json.RawMessage{}
	for _, size := range sizes {
		w := newWorld(t)
		n := itoa(w.activePlan())
		grow(t, w, 1, size)
		note := longText(size.typedLen)
		w.say(emp, "更新 "+n+" "+note)
		w.say(mgr, "跟踪 "+n+" "+note)
		plan := map[string]string{"plan": n}
		kinds := []struct {
			name string
			run  func() []bot.Reply
		}{
			{"card/employee", func() []bot.Reply { return w.say(emp, "查看 "+n) }},
			{"card/manager", func() []bot.Reply { return w.say(mgr, "查看 "+n) }},
			{"card/hr", func() []bot.Reply { return w.say(hr, "show "+n) }},
			{"list/plans", func() []bot.Reply { return w.say(mgr, "计划") }},
			{"list/team", func() []bot.Reply { return w.say(mgr, "团队") }},
			{"list/all", func() []bot.Reply { return w.say(hr, "all") }},
			{"help", func() []bot.Reply { return w.say(emp, "帮助") }},
			{"form/update", func() []bot.Reply { return w.act(emp, "plan.update", plan, nil) }},
			{"form/review", func() []bot.Reply { return w.act(mgr, "plan.review", plan, nil) }},
			{"form/close", func() []bot.Reply { return w.act(mgr, "plan.close", plan, nil) }},
			{"form/track", func() []bot.Reply { return w.act(mgr, "plan.track", plan, nil) }},
			{"form/interview", func() []bot.Reply { return w.act(mgr, "interview.book", plan, nil) }},
			{"form/create", func() []bot.Reply { return w.say(mgr, "新建 表单") }},
		}
		for _, k := range kinds {
			r := k.run()
			if len(r) == 0 || strings.HasPrefix(text(r), "⚠️") {
				t.Fatalf("%s/%s: %s", size.name, k.name, text(r))
			}
			raw, err := bot.MarshalReplies(r)
			if err != nil {
				t.Fatal(err)
			}
			corpus[size.name+"/"+k.name] = raw
		}
	}
	got, err := json.MarshalIndent(corpus, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if _, err := zw.Write(got); err != nil || zw.Close() != nil {
		t.Fatalf("compress the corpus: %v", err)
	}
	path := filepath.FromSlash(extremeCorpus)
	if *update {
		if err := os.WriteFile(path, z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run TestExtremeCorpus -update)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with the engine: run go test ./bot -run TestExtremeCorpus -update", extremeCorpus)
	}
}
