package card

import (
	"encoding/json"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// Size limits. Feishu refuses cards over 30 KB.
const (
	// MaxBytes is the largest card Render returns, counted as Feishu
	// counts it: the card's JSON as the escaped "content" string of the
	// request body (SentSize), where every quote and backslash doubles and
	// <, > and & take six bytes; under 30 KB with room for the envelope.
	MaxBytes   = 30<<10 - 512
	maxTitle   = 100  // header title runes
	maxSummary = 60   // chat-list preview runes
	maxShort   = 100  // button texts and placeholders
	maxDefault = 1000 // an input's max_length, so also its longest default
	minClip    = 40   // text is never shortened below this many runes
	maxCharts  = 5    // charts per card, as the chart component asks
)

// Options say where a card is shown and what it may do there.
type Options struct {
	// Locale is the reader's language, for the few words the renderer adds.
	Locale bot.Locale
	// noBars leaves the progress-bar charts out, noCharts every chart:
	// a card that was too large with them (fitCharts).
	noBars, noCharts bool
	// Private marks personal plan content: the card cannot be forwarded
	// (config "enable_forward": false; see config). Forwarded cards never
	// accept clicks either way.
	Private bool
	// Interactive renders buttons and forms; false drops them, e.g. for a
	// card shown in a group or a decided approval that lost its buttons.
	Interactive bool
	// Errors, on a form shown again after a bad submission, maps input
	// names to problems shown under each input (bot.Reply.Errors).
	Errors map[string]string
}

// Render is m as a Feishu card JSON 2.0 object, ready to marshal as the
// content of an interactive message or a callback's card.data. A message
// too large for a card has its long texts shortened, and then its last
// display blocks dropped, with a note saying so (see fit).
func Render(m bot.Message, o Options) map[string]any {
	if card := build(m, o); SentSize(card) <= MaxBytes {
		return card
	}
	card, m, o, ok := fitCharts(m, o) // charts go first
	if ok {
		return card
	}
	return fit(m, o)
}

// build renders every block in order.
func build(m bot.Message, o Options) map[string]any {
	var els []element
	forms, charts, trends := 0, 0, 0
	progressCharts := maxCharts - trendCharts(m.Blocks) // the trend charts come first
	if o.noBars || o.noCharts {
		progressCharts = 0
	}
	for i, b := range m.Blocks {
		switch b := b.(type) {
		case bot.Text:
			if strings.TrimSpace(b.Body) != "" { // markdown needs content
				els = append(els, element{"tag": "markdown", "content": markdown(b.Body)})
			}
		case bot.Fields:
			els = append(els, fields(b)...)
		case bot.Progress:
			if n := progressRun(m.Blocks, i); n >= 2 && charts < progressCharts {
				charts++
				els = append(els, progressChart(m.Blocks[i:i+n]))
			}
			els = append(els, progress(b))
		case bot.Chart:
			if !o.noCharts && trends < maxCharts && len(b.Weeks) > 0 {
				trends++
				els = append(els, trendChart(b))
			}
		case bot.Buttons:
			if o.Interactive && len(b) > 0 {
				els = append(els, buttons(b, o.Locale))
			}
		case bot.Form:
			if o.Interactive {
				forms++
				els = append(els, form(b, forms, o))
			}
		case bot.Divider:
			els = append(els, element{"tag": "hr"})
		case bot.Context:
			if strings.TrimSpace(string(b)) != "" {
				els = append(els, element{"tag": "markdown", "text_size": "notation", "content": grey(string(b))})
			}
		}
	}
	if els == nil {
		els = []element{}
	}
	card := map[string]any{
		"schema": "2.0",
		"config": config(m, o),
		"body":   element{"elements": els},
	}
	if h := header(m); h != nil {
		card["header"] = h
	}
	return card
}

// SentSize is the length of card as a message request carries it: its
// JSON, encoded again as the JSON string of the body's "content".
func SentSize(card map[string]any) int {
	b, err := json.Marshal(card)
	if err != nil {
		return 0
	}
	s, err := json.Marshal(string(b))
	if err != nil {
		return 0
	}
	return len(s)
}
