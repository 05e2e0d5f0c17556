package card

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

var update = flag.Bool("update", false, "rewrite golden files")

// planCard is a plan overview using every display block and buttons, as
// the engine's plan view does.
func planCard() bot.Message {
	return bot.Message{
		Title: "绩效改进计划 #7 · 小李",
		Color: bot.ColorOrange,
		Blocks: []bot.Block{
			bot.Text{Body: "**绩效差距**\n季度销售额：目标 50万，实际 35万，差距 15万"},
			bot.Fields{
				{Label: "经理", Value: "王经理"},
				{Label: "周期", Value: "2026-03-01 → 2026-05-31"},
				{Label: "状态", Value: "进行中"},
			},
			bot.Text{Body: "**SMART 目标**"},
			bot.Progress{Label: "1. 季度销售额", Percent: 60, Detail: "35万 → 41万 / 50万 · 截止 2026-05-31", Color: bot.ColorOrange},
			bot.Progress{Label: "2. 客户投诉率", Percent: 100, Detail: "8% → 3% / 3%", Color: bot.ColorGreen},
			bot.Text{Body: "**行动计划**\n1. ✅ 每周五更新拜访记录 · 每周五 17:00\n2. 🔄 每日站会 · 9:00"},
			bot.Divider{},
			bot.Buttons{
				{Label: "批准", Style: bot.StylePrimary, Action: bot.ActionRef{ID: "plan.approve", Args: map[string]string{"plan": "7"}}},
				{Label: "要求修改", Action: bot.ActionRef{ID: "plan.changes", Args: map[string]string{"plan": "7"}}},
				{Label: "驳回", Style: bot.StyleDanger, Confirm: "确定驳回计划 #7？", Action: bot.ActionRef{ID: "plan.reject", Args: map[string]string{"plan": "7"}}},
			},
			bot.Context("计划 7 · 更新于 2026-03-06 17:02\n仅小李、王经理和 HR 可见"),
		},
	}
}

// everyInput is a form with every input kind, defaults and required ones.
func everyInput() bot.Message {
	return bot.Message{
		Title: "New plan",
		Blocks: []bot.Block{bot.Form{
			Title:  "Plan details",
			Action: bot.ActionRef{ID: "plan.create", Args: map[string]string{"draft": "3"}},
			Submit: "Create",
			Inputs: []bot.Input{
				{Name: "gap_metric", Label: "Metric", Kind: bot.InputText, Required: true, Placeholder: "e.g. quarterly sales", Value: "sales"},
				{Name: "cause_text", Label: "Root cause", Kind: bot.InputTextArea, Required: true, Placeholder: "What is behind the gap?"},
				{Name: "gap_target", Label: "Target", Kind: bot.InputNumber, Required: true, Value: "500000"},
				{Name: "goal_deadline", Label: "Deadline", Kind: bot.InputDate, Required: true, Value: "2026-05-31"},
				{Name: "at", Label: "When", Kind: bot.InputDateTime, Value: "2026-03-10 15:00"},
				{Name: "type", Label: "Employee type", Kind: bot.InputSelect, Required: true, Value: "under",
					Options: []bot.Option{{Value: "under", Label: "Under-performer"}, {Value: "potential", Label: "High potential"}}},
				{Name: "manager", Label: "Manager", Kind: bot.InputUser, Value: "ou_manager"},
				{Name: "employee", Label: "Employee", Kind: bot.InputUser, Required: true},
			},
		}},
	}
}

// withForm is a card holding both buttons and a form, for rendering
// without interaction.
func withForm() bot.Message {
	m := planCard()
	m.Blocks = append(m.Blocks, everyInput().Blocks...)
	return m
}

func plainText() bot.Message {
	return bot.Message{Blocks: []bot.Block{bot.Text{Body: "已记录本周进展，**谢谢**！\n下次提醒：周五 17:00"}}}
}

func private() bot.Message {
	return bot.Message{
		Title: "Your plan #7 needs your confirmation",
		Color: bot.ColorBlue,
		Blocks: []bot.Block{
			bot.Text{Body: "Please read the plan and confirm you have seen it."},
			bot.Buttons{{Label: "Confirm", Style: bot.StylePrimary, Action: bot.ActionRef{ID: "plan.confirm", Args: map[string]string{"plan": "7"}}}},
		},
	}
}

// cases are the golden renders; the structural tests run on them too.
var cases = []struct {
	name string
	msg  func() bot.Message
	opt  Options
}{
	{"plan", planCard, Options{Locale: bot.LocaleZH, Interactive: true}},
	{"form", everyInput, Options{Locale: bot.LocaleEN, Interactive: true, Private: true,
		Errors: map[string]string{"gap_target": "\"50万x\" is not a number"}}},
	{"plain", plainText, Options{Locale: bot.LocaleZH}},
	{"private", private, Options{Locale: bot.LocaleEN, Private: true, Interactive: true}},
	{"noninteractive", withForm, Options{Locale: bot.LocaleZH}},
}

func TestRenderGolden(t *testing.T) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.name, Render(tt.msg(), tt.opt))
		})
	}
}

// golden compares card, pretty-printed with sorted keys, to its file.
func golden(t *testing.T, name string, card map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(card); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestForwarding(t *testing.T) {
	for _, private := range []bool{false, true} {
		cfg := Render(plainText(), Options{Private: private})["config"].(map[string]any)
		if cfg["enable_forward"] != !private || cfg["enable_forward_interaction"] != false {
			t.Errorf("private=%v: config %v", private, cfg)
		}
		if s := cfg["summary"].(map[string]any)["content"]; private && s != phrase("", "summary.private") {
			t.Errorf("private summary shows content: %q", s)
		}
	}
}

func TestNonInteractiveDropsButtonsAndForms(t *testing.T) {
	card := roundTrip(t, Render(withForm(), Options{}))
	walk(card["body"].(map[string]any)["elements"], func(el map[string]any, _ []string) {
		if tag := el["tag"]; tag == "button" || tag == "form" || inputTags[tag.(string)] {
			t.Errorf("non-interactive card has a %v", tag)
		}
	})
}
