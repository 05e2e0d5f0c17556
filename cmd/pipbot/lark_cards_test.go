package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/card"
	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestEveryEngineCardAsFeishuJSON walks the improvement process through the
// engine and renders each kind of card it answers with as Feishu card JSON
// 2.0 (testdata/lark-cards), as Slack Block Kit (testdata/slack-blocks) and
// each form as a Slack modal (testdata/slack-modals), compared with golden
// files (rewrite with -update). The clock is fixed so the renders are stable.
func TestEveryEngineCardAsFeishuJSON(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	a := demoApp(t, now)
	say := func(who, text string) []bot.Reply {
		t.Helper()
		r, err := a.engine.Handle(ctx, bot.Command{Platform: bot.PlatformLark, Tenant: demoTenant, Actor: bot.Person{ID: who}, Chat: bot.Chat{ID: "dm:" + who}, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	click := func(who, id string, args map[string]string) []bot.Reply {
		t.Helper()
		r, err := a.engine.Handle(ctx, bot.Command{Platform: bot.PlatformLark, Tenant: demoTenant, Actor: bot.Person{ID: who},
			Chat: bot.Chat{ID: "dm:" + who}, Action: &bot.ActionInput{ID: id, Args: args}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	plan := map[string]string{"plan": "1"}
	steps := []struct {
		name    string
		replies func() []bot.Reply
	}{
		{"help", func() []bot.Reply { return say("zhangsan", "帮助") }},
		{"help-en", func() []bot.Reply { return say("sam", "help") }},
		{"create-form", func() []bot.Reply { return say("wang", "新建 表单") }},
		{"guide-type", func() []bot.Reply { return say("zhangsan", "新建") }},
		{"guide-gap", func() []bot.Reply { return say("zhangsan", "1") }},
		{"guide-cause", func() []bot.Reply {
			say("zhangsan", "季度销售额 50万 35万 元")
			return say("zhangsan", "个人 客户跟进不及时")
		}},
		{"guide-done", func() []bot.Reply {
			for _, l := range []string{"完成", "季度销售额 35万 50万 元 2个月", "客户投诉率 8% 3% 2个月", "完成", "更新拜访记录 | 每周五 17:00 | CRM | 拜访数", "完成"} {
				say("zhangsan", l)
			}
			return say("zhangsan", "默认")
		}},
		{"submitted", func() []bot.Reply { return say("zhangsan", "提交 1") }},
		{"changes-form", func() []bot.Reply { return click("wang", "plan.changes", plan) }},
		{"approved", func() []bot.Reply { return click("wang", "plan.approve", plan) }},
		{"disagree-form", func() []bot.Reply {
			return click("zhangsan", "plan.ack", map[string]string{"plan": "1", "disagree": "1"})
		}},
		{"acknowledged", func() []bot.Reply { return click("zhangsan", "plan.ack", plan) }},
		{"update-form", func() []bot.Reply { return click("zhangsan", "plan.update", plan) }},
		{"update-form-errors", func() []bot.Reply {
			r, _ := a.engine.Handle(ctx, bot.Command{Platform: bot.PlatformLark, Tenant: demoTenant, Actor: bot.Person{ID: "zhangsan"},
				Chat: bot.Chat{ID: "dm:zhangsan"}, Action: &bot.ActionInput{ID: "plan.update", Args: plan, Values: map[string]string{"goal_1": "很多", "text": ""}}})
			return r
		}},
		{"update-saved", func() []bot.Reply { return say("zhangsan", "更新 销售额 42万 投诉率 6% 本周拜访8家") }},
		{"team", func() []bot.Reply { return say("wang", "团队") }},
		{"interview", func() []bot.Reply { return say("wang", "面谈 1 预约 2026-12-03 15:00 50 HR") }},
		{"interview-prep-form", func() []bot.Reply {
			return click("zhangsan", "interview.prep", map[string]string{"plan": "1", "interview": "1"})
		}},
		{"interview-prepared", func() []bot.Reply { return say("zhangsan", "面谈 1 自评 客户跟进比以前及时") }},
		{"interview-short-notice", func() []bot.Reply { return say("wang", "面谈 1 预约 明天 10:00 理由 客户下周出差") }},
		{"interview-record-form", func() []bot.Reply {
			return click("wang", "interview.notes", map[string]string{"plan": "1", "interview": "1"})
		}},
		{"interview-recorded", func() []bot.Reply {
			return say("wang", "面谈 1 记录 1 开场: 说明目的 回顾: 销售额 42万 共识: 每周复盘 总结: 方向一致 优势: 客户关系好 差距: 新客户开发不足")
		}},
		{"interview-rate-form", func() []bot.Reply {
			return click("zhangsan", "interview.rate", map[string]string{"plan": "1", "interview": "1"})
		}},
		{"review-form", func() []bot.Reply { return click("wang", "plan.review", plan) }},
		{"adjust-request", func() []bot.Reply { return say("zhangsan", "调整 1 1 47万 市场萎缩") }},
		{"action-add-manager", func() []bot.Reply {
			return say("wang", "行动 1 添加 每周一对一辅导 | 每周一 17:00前 | 经理 | 会议室 | 辅导次数")
		}},
		{"track-form", func() []bot.Reply { return click("wang", "plan.track", plan) }},
		{"track", func() []bot.Reply {
			return say("wang", "跟踪 1 本周完成3次客户模拟沟通，问题解决正确率提升至70%")
		}},
		{"show", func() []bot.Reply { return say("wang", "查看 1") }},
		{"show-employee", func() []bot.Reply { return say("zhangsan", "查看 1") }},
		{"close-form", func() []bot.Reply { return click("wang", "plan.close", plan) }},
		{"outcome-proposed", func() []bot.Reply { return say("wang", "结案 1 达成 每周复盘有效") }},
		{"outcome-reason-form", func() []bot.Reply { return click("lin", "outcome.confirm", plan) }},
		{"outcome-final", func() []bot.Reply { return say("lin", "结案 1 确认 大客户合同已签，实际贡献达标") }},
		{"promotions", func() []bot.Reply { return say("lin", "晋升名单") }},
		{"audit", func() []bot.Reply { return say("lin", "审计 1") }},
		{"error", func() []bot.Reply { return say("zhangsan", "跳舞") }},
	}
	seen := map[string]bool{}
	for _, s := range steps {
		for i, r := range s.replies() {
			to := r.To
			if to == "" {
				to = "self"
			}
			name := fmt.Sprintf("%s-%d-%s", s.name, i, to)
			if seen[name] {
				t.Fatalf("two cards named %s", name)
			}
			seen[name] = true
			l := bot.LocaleZH
			if to == "sam" || (to == "self" && s.name == "help-en") {
				l = bot.LocaleEN
			}
			got, _ := json.MarshalIndent(card.Render(r.Message, card.Options{Locale: l, Private: r.Private, Interactive: true, Errors: r.Errors}), "", "  ")
			compareGolden(t, filepath.Join("testdata", "lark-cards", name+".json"), got)
			// The same reply as Slack shows it: Block Kit, and a modal per form.
			blocks, _ := json.MarshalIndent(blockkit.Render(r.Message, blockkit.Options{Locale: l, Interactive: true}), "", "  ")
			compareGolden(t, filepath.Join("testdata", "slack-blocks", name+".json"), blocks)
			for i, b := range r.Message.Blocks {
				if f, ok := b.(bot.Form); ok {
					modal, _ := json.MarshalIndent(blockkit.Modal(f, blockkit.ModalOptions{Locale: l, TZ: shanghai}), "", "  ")
					compareGolden(t, filepath.Join("testdata", "slack-modals", fmt.Sprintf("%s-%d.json", name, i)), modal)
				}
			}
		}
	}
}

// compareGolden checks got against a golden file, or rewrites it with -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(got)+"\n" {
		t.Errorf("%s differs from the golden file (run with -update after checking the change)", path)
	}
}
