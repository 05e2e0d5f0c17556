package card

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// actionsCard is a plan card of n actions of 500 characters, then buttons.
func actionsCard(n int) bot.Message {
	m := bot.Message{Title: "绩效改进计划 #12", Blocks: []bot.Block{bot.Text{Body: "**行动计划**"}}}
	for i := range n {
		m.Blocks = append(m.Blocks, bot.Fields{{Label: "行动 " + strconv.Itoa(i+1), Value: strings.Repeat("每周五17:00前更新拜访记录<b>&", 25)},
			{Label: "资源", Value: strings.Repeat("CRM 与导师辅导", 50)}})
	}
	m.Blocks = append(m.Blocks, bot.Buttons{{Label: "批准", Action: bot.ActionRef{ID: "plan.approve", Args: map[string]string{"plan": "12"}}}})
	return m
}

// TestSplitKeepsEverything: a card of 20 long actions, too large for one
// card, goes as a few cards that each fit unshortened, every block in
// order, the title numbered from the second; a card that fits stays one.
func TestSplitKeepsEverything(t *testing.T) {
	m := actionsCard(20)
	o := Options{Locale: bot.LocaleZH, Interactive: true, Private: true}
	if whole(m, o) {
		t.Fatal("the card fits whole: nothing to split")
	}
	parts := Split(m, o)
	if len(parts) < 2 || len(parts) > maxParts {
		t.Fatalf("%d parts", len(parts))
	}
	var blocks []bot.Block
	for i, p := range parts {
		card := Render(p, o)
		raw, _ := json.Marshal(card)
		if !fits(card) || strings.Contains(string(raw), phrase(o.Locale, "truncated")) {
			t.Errorf("part %d: %d components, %d bytes, shortened %v", i, Components(card), SentSize(card),
				strings.Contains(string(raw), phrase(o.Locale, "truncated")))
		}
		if want := "（续 " + strconv.Itoa(i+1) + "）"; (i > 0) != strings.HasSuffix(p.Title, want) {
			t.Errorf("part %d titled %q", i, p.Title)
		}
		blocks = append(blocks, p.Blocks...)
	}
	if !reflect.DeepEqual(blocks, m.Blocks) {
		t.Errorf("the parts hold %d blocks of %d, or out of order", len(blocks), len(m.Blocks))
	}
	last := parts[len(parts)-1].Blocks
	if _, ok := last[len(last)-1].(bot.Buttons); !ok {
		t.Error("the buttons are not at the end of the last card")
	}
	if one := Split(actionsCard(2), o); len(one) != 1 || one[0].Title != "绩效改进计划 #12" {
		t.Errorf("a card that fits went as %d", len(one))
	}
}
