package card

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

func TestOneChartPerRunOfGoals(t *testing.T) {
	var blocks []bot.Block
	for range 7 { // seven runs of two goals
		blocks = append(blocks, bot.Progress{Label: "a", Percent: 10}, bot.Progress{Label: "a", Percent: 20}, bot.Divider{})
	}
	blocks = append(blocks, bot.Progress{Label: "alone", Percent: 50})
	card := roundTrip(t, Render(bot.Message{Blocks: blocks}, Options{}))
	charts := 0
	walk(card["body"].(map[string]any)["elements"], func(el map[string]any, _ []string) {
		if el["tag"] == "chart" {
			charts++
			values := el["chart_spec"].(map[string]any)["data"].([]any)[0].(map[string]any)["values"].([]any)
			if len(values) != 2 || values[1].(map[string]any)["goal"] != "a (2)" {
				t.Errorf("chart values %v", values)
			}
		}
	})
	if charts != maxCharts {
		t.Errorf("%d charts, want %d", charts, maxCharts)
	}
}

func TestUserPicker(t *testing.T) {
	els := input(bot.Input{Name: "hr", Label: "HR", Kind: bot.InputUser, Value: "ou_b",
		Options: []bot.Option{{Value: "ou_a"}, {Value: "ou_b"}}}, bot.LocaleZH)
	p := els[1]
	if p["tag"] != "select_person" || p["initial_option"] != "ou_b" || len(p["options"].([]element)) != 2 {
		t.Errorf("picker %v", p)
	}
	if _, ok := input(bot.Input{Name: "x", Kind: bot.InputUser}, bot.LocaleZH)[0]["options"]; ok {
		t.Error("a picker without candidates must leave options out (the chat's members)")
	}
}

func TestBadDefaultsAreLeftOut(t *testing.T) {
	d := input(bot.Input{Name: "d", Kind: bot.InputDate, Value: "next friday"}, bot.LocaleEN)[0]
	if _, ok := d["initial_date"]; ok || d["placeholder"].(element)["content"] != "Pick a date" {
		t.Errorf("date picker %v", d)
	}
	s := input(bot.Input{Name: "s", Kind: bot.InputSelect, Value: "gone", Options: []bot.Option{{Value: "a", Label: "A"}}}, bot.LocaleEN)[0]
	if _, ok := s["initial_option"]; ok {
		t.Errorf("select %v", s)
	}
}
