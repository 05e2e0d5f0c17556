package console

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// everyBlock is a card using every block type, as a plan overview would.
func everyBlock() bot.Message {
	return bot.Message{
		Title: "绩效改进计划 #7 · 小李",
		Color: bot.ColorOrange,
		Blocks: []bot.Block{
			bot.Text{Body: "**Gap**: quarterly sales 350k against a target of 500k.\nRoot cause: **skills** (new region)."},
			bot.Fields{
				{Label: "Manager", Value: "王经理"},
				{Label: "Period", Value: "2026-03-01 → 2026-05-31"},
				{Label: "Actions", Value: "Visit log every Friday 17:00\nDaily stand-up 9:00"},
			},
			bot.Progress{Label: "Quarterly sales", Percent: 60, Detail: "350,000 → 410,000 / 500,000", Color: bot.ColorOrange},
			bot.Progress{Label: "Complaint rate", Percent: 62.5, Color: bot.ColorGreen},
			bot.Progress{Percent: 130},
			bot.Divider{},
			bot.Buttons{
				{Label: "Approve", Style: bot.StylePrimary, Action: bot.ActionRef{ID: "plan.approve"}},
				{Label: "Request changes", Action: bot.ActionRef{ID: "plan.changes"}},
			},
			bot.Buttons{
				{Label: "Reject", Style: bot.StyleDanger, Confirm: "Reject plan #7?", Action: bot.ActionRef{ID: "plan.reject"}},
			},
			bot.Form{Title: "Weekly update", Submit: "Send", Inputs: []bot.Input{
				{Name: "sales", Label: "Sales this week", Kind: bot.InputNumber, Required: true},
				{Name: "note", Label: "Note", Kind: bot.InputTextArea},
			}},
			bot.Context("plan 7 · updated 2026-03-06 17:02\nonly visible to 小李, 王经理 and HR"),
		},
	}
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name string
		msg  bot.Message
	}{
		{"card", everyBlock()},
		{"plain", bot.Message{Blocks: []bot.Block{bot.Text{Body: "已记录本周进展，**谢谢**！\n下次提醒：周五 17:00"}}}},
		{"untitled", bot.Message{Blocks: []bot.Block{bot.Text{Body: "Pick one"}, bot.Buttons{{Label: "A"}, {Label: "B"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.name, render(tt.msg))
		})
	}
}

func TestActionableNumbersAcrossRows(t *testing.T) {
	buttons, form := actionable(everyBlock())
	var got []string
	for _, b := range buttons {
		got = append(got, b.Action.ID)
	}
	want := "plan.approve plan.changes plan.reject"
	if g := join(got); g != want {
		t.Errorf("buttons = %q, want %q (render numbers them 1, 2, 3)", g, want)
	}
	if form == nil || form.Title != "Weekly update" {
		t.Errorf("form = %+v, want the weekly update", form)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
