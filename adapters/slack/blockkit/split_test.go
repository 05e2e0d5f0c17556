package blockkit

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// TestLongMessageIsSplit: a reply of 130 blocks goes as messages of at
// most 50 blocks each, every paragraph in order and the buttons kept.
func TestLongMessageIsSplit(t *testing.T) {
	m := bot.Message{Title: "很多内容"}
	for i := range 120 {
		m.Blocks = append(m.Blocks, bot.Text{Body: "第 " + strconv.Itoa(i) + " 段"})
	}
	m.Blocks = append(m.Blocks, bot.Text{Body: strings.Repeat("长", 7000)},
		bot.Buttons{{Label: "批准", Action: bot.ActionRef{ID: "plan.approve"}}})
	parts := Messages(m, Options{Interactive: true})
	if len(parts) != 3 {
		t.Fatalf("%d messages, want 3", len(parts))
	}
	next, long := 0, 0
	for _, p := range parts {
		checkLimits(t, p, MaxMessageBlocks)
		for _, b := range p {
			s, ok := b.(*slack.SectionBlock)
			if !ok {
				continue
			}
			if strings.HasPrefix(s.Text.Text, "长") {
				long += length(s.Text.Text)
				continue
			}
			if want := "第 " + strconv.Itoa(next) + " 段"; s.Text.Text != want {
				t.Fatalf("section %q, want %q", s.Text.Text, want)
			}
			next++
		}
	}
	if next != 120 || long != 7000 {
		t.Errorf("%d paragraphs and %d characters of the long one kept", next, long)
	}
	last := parts[len(parts)-1]
	if _, ok := last[len(last)-1].(*slack.ActionBlock); !ok {
		t.Error("the buttons are not at the end")
	}
	if one := Messages(bot.Message{Blocks: []bot.Block{bot.Text{Body: "短"}}}, Options{}); len(one) != 1 || len(one[0]) != 1 {
		t.Errorf("a short reply: %d messages", len(one))
	}
}
