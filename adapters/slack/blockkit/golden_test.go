package blockkit

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests name zones; the machine may have none

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares v, as indented JSON, with testdata/name.golden.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

// planCard is a plan overview using every block type, as the engine's
// plan view and approval cards do.
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
				{Label: "导师", Value: ""},
			},
			bot.Text{Body: "**SMART 目标**"},
			bot.Progress{Label: "1. 季度销售额", Percent: 60, Detail: "35万 → 41万 / 50万 · 截止 2026-05-31", Color: bot.ColorOrange},
			bot.Progress{Label: "2. 客户投诉率", Percent: 112, Detail: "8% → 2% / 3%", Color: bot.ColorGreen},
			bot.Text{Body: "**行动计划**\n1. ✅ 每周五更新拜访记录 · 每周五 17:00\n2. 🔄 每日站会 · 9:00"},
			bot.Divider{},
			bot.Buttons{
				{Label: "批准", Style: bot.StylePrimary, Action: bot.ActionRef{ID: "plan.approve", Args: map[string]string{"plan": "7"}}},
				{Label: "要求修改", Action: bot.ActionRef{ID: "plan.changes", Args: map[string]string{"plan": "7"}}},
				{Label: "驳回", Style: bot.StyleDanger, Confirm: "确定驳回计划 #7？", Action: bot.ActionRef{ID: "plan.reject", Args: map[string]string{"plan": "7"}}},
			},
			reasonForm(),
			bot.Context("计划 7 · 更新于 2026-03-06 17:02\n仅小李、王经理和 HR 可见"),
		},
	}
}

// reasonForm is the small form the engine sends back a plan with.
func reasonForm() bot.Form {
	return bot.Form{Title: "计划 #7：请写明原因", Action: bot.ActionRef{ID: "plan.changes", Args: map[string]string{"plan": "7"}},
		Submit: "发送", Inputs: []bot.Input{{Name: "reason", Label: "原因", Kind: bot.InputTextArea, Required: true}}}
}

func plainText() bot.Message {
	return bot.Message{Blocks: []bot.Block{bot.Text{Body: "已记录本周进展，**谢谢**！\n下次提醒：周五 17:00"}}}
}

// everyInput is a form with every input kind, defaults, optional and
// required ones.
func everyInput() bot.Form {
	return bot.Form{
		Title:  "新建绩效改进计划",
		Action: bot.ActionRef{ID: "plan.create", Args: map[string]string{"draft": "3"}},
		Submit: "创建",
		Inputs: []bot.Input{
			{Name: "employee", Label: "员工", Kind: bot.InputUser, Required: true,
				Options: []bot.Option{{Value: "U1", Label: "小李"}, {Value: "U2", Label: "小张"}}},
			{Name: "manager", Label: "审批经理", Kind: bot.InputUser, Value: "U9"},
			{Name: "type", Label: "员工类型", Kind: bot.InputSelect, Required: true, Value: "under",
				Options: []bot.Option{{Value: "under", Label: "绩效不达标"}, {Value: "potential", Label: "高潜力"}}},
			{Name: "gap_metric", Label: "差距指标", Kind: bot.InputText, Required: true, Placeholder: "季度销售额", Value: "销售额"},
			{Name: "gap_target", Label: "目标值", Kind: bot.InputNumber, Required: true, Placeholder: "500000", Value: "50万"},
			{Name: "cause_text", Label: "根本原因", Kind: bot.InputTextArea, Required: true, Placeholder: "客户跟进不及时"},
			{Name: "goal_deadline", Label: "截止日期", Kind: bot.InputDate, Required: true, Value: "2026-05-31"},
			{Name: "at", Label: "面谈时间", Kind: bot.InputDateTime, Value: "2026-03-10 15:00"},
			{Name: "end", Label: "计划结束日期", Kind: bot.InputDate},
			{Name: "unit", Label: "单位", Kind: bot.InputSelect, Placeholder: "元"},
		},
	}
}

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	tz, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return tz
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    bot.Message
		o    Options
	}{
		{"plan", planCard(), Options{Locale: bot.LocaleZH, Interactive: true}},
		{"plain", plainText(), Options{Locale: bot.LocaleZH, Interactive: true}},
		{"noninteractive", planCard(), Options{Locale: bot.LocaleZH}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blocks := Render(tc.m, tc.o)
			checkLimits(t, blocks, MaxMessageBlocks)
			golden(t, tc.name, blocks)
		})
	}
}

func TestModalGolden(t *testing.T) {
	v := Modal(everyInput(), ModalOptions{Locale: bot.LocaleZH, TZ: shanghai(t)})
	checkLimits(t, v.Blocks.BlockSet, MaxViewBlocks)
	golden(t, "modal", v)
}

func TestHomeGolden(t *testing.T) {
	plans := bot.Message{Title: "我的计划", Blocks: []bot.Block{
		bot.Text{Body: "**#7 季度销售额提升** · 进行中"},
		bot.Progress{Label: "季度销售额", Percent: 60, Color: bot.ColorOrange},
		bot.Buttons{{Label: "查看", Action: bot.ActionRef{ID: "plan.show", Args: map[string]string{"plan": "7"}}},
			{Label: "更新进展", Style: bot.StylePrimary, Action: bot.ActionRef{ID: "plan.update", Args: map[string]string{"plan": "7"}}}},
	}}
	team := bot.Message{Title: "团队概览", Blocks: []bot.Block{
		bot.Fields{{Label: "小李 · #7", Value: "进行中 · 60%"}, {Label: "小张 · #9", Value: "待审批"}},
		bot.Buttons{{Label: "查看", Action: bot.ActionRef{ID: "plan.show", Args: map[string]string{"plan": "9"}}}},
		bot.Context("每周一 9:00 更新"),
	}}
	v := Home([]bot.Message{plans, team}, Options{Locale: bot.LocaleZH, Interactive: true})
	checkLimits(t, v.Blocks.BlockSet, MaxViewBlocks)
	golden(t, "home", v)
}

func TestErrorsResponseGolden(t *testing.T) {
	long := strings.Repeat("太长了", 60) // 180 characters, cut to 150
	golden(t, "errors", ErrorsResponse(map[string]string{
		"gap_target": "请输入数字，\n例如 500000 或 50万",
		"cause_text": long,
	}))
}

// TestRendersParseBack checks every golden render is JSON the SDK reads back.
func TestRendersParseBack(t *testing.T) {
	raw, err := json.Marshal(Render(planCard(), Options{Interactive: true}))
	if err != nil {
		t.Fatal(err)
	}
	var back slack.Blocks
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if got, want := len(back.BlockSet), len(Render(planCard(), Options{Interactive: true})); got != want {
		t.Errorf("read back %d blocks, want %d", got, want)
	}
}
