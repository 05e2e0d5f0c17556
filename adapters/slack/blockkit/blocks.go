package blockkit

import (
	"math"
	"strconv"
	"strings"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// fields lays label/value pairs out as section fields, which Slack shows
// two per row; a section holds at most ten, so longer lists take several.
func fields(fs bot.Fields) []slack.Block {
	var out []slack.Block
	for i := 0; i < len(fs); i += maxFields {
		var objs []*slack.TextBlockObject
		for _, f := range fs[i:min(i+maxFields, len(fs))] {
			objs = append(objs, markdown(clip(field(f), maxField)))
		}
		out = append(out, slack.NewSectionBlock(nil, objs, nil))
	}
	return out
}

// field is "*Label*\nValue"; an empty value shows as a dash.
func field(f bot.Field) string {
	v := escape(f.Value)
	if strings.TrimSpace(f.Value) == "" {
		v = "—"
	}
	if l := oneLine(f.Label); l != "" {
		return "*" + escape(l) + "*\n" + v
	}
	return v
}

const barCells = 10

// circles stand in for the progress colors Slack text cannot have.
var circles = map[bot.Color]string{
	bot.ColorBlue:   "🔵 ",
	bot.ColorGreen:  "🟢 ",
	bot.ColorOrange: "🟠 ",
	bot.ColorRed:    "🔴 ",
	bot.ColorGrey:   "⚪ ",
}

// progress is a section with the label and a text bar, then the detail on
// a context line:
//
//	*1. 季度销售额*
//	🟠 ▓▓▓▓▓▓░░░░ 60%
//	35万 → 41万 / 50万
//
// Over-achievement shows its true percentage on a full bar.
func progress(p bot.Progress) []slack.Block {
	pct := p.Percent
	if math.IsNaN(pct) {
		pct = 0
	}
	full := int(math.Round(math.Max(0, math.Min(100, pct)) / 100 * barCells))
	text := circles[p.Color] + strings.Repeat("▓", full) + strings.Repeat("░", barCells-full) + " " + percentText(p.Percent)
	if l := oneLine(p.Label); l != "" {
		text = "*" + escape(l) + "*\n" + text
	}
	out := []slack.Block{slack.NewSectionBlock(markdown(clip(text, maxText)), nil, nil)}
	if d := oneLine(p.Detail); d != "" {
		out = append(out, context(escape(d)))
	}
	return out
}

// percentText is the engine's rounding: "60%"; a dash when there is no number.
func percentText(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "–"
	}
	return strconv.Itoa(int(math.Round(p))) + "%"
}

// buttons is one actions block per 25 buttons. A button whose action
// cannot be carried in a value (over 2000 characters) is left out: it
// could never be routed back.
func (r *renderer) buttons(bs bot.Buttons) []slack.Block {
	var els []slack.BlockElement
	for _, b := range bs {
		if e := r.button(b); e != nil {
			els = append(els, e)
		}
	}
	var out []slack.Block
	for i := 0; i < len(els); i += maxElements {
		out = append(out, slack.NewActionBlock("", els[i:min(i+maxElements, len(els))]...))
	}
	return out
}

// button carries the engine action in its value. The value is routing
// only: the engine authorises whoever clicked.
func (r *renderer) button(b bot.Button) *slack.ButtonBlockElement {
	value, err := ActionValue(b.Action)
	if err != nil {
		return nil
	}
	r.n++
	e := slack.NewButtonBlockElement(actionID(actionPrefix, b.Action.ID, r.n), value, plain(oneLine(b.Label), maxButtonText))
	switch b.Style {
	case bot.StylePrimary:
		e.Style = slack.StylePrimary
	case bot.StyleDanger:
		e.Style = slack.StyleDanger
	}
	if c := strings.TrimSpace(b.Confirm); c != "" {
		l := r.o.Locale
		e.Confirm = slack.NewConfirmationBlockObject(plain(phrase(l, "confirm.title"), maxConfirmTitle),
			plain(c, maxConfirmText), plain(phrase(l, "confirm.ok"), maxConfirmButton), plain(phrase(l, "cancel"), maxConfirmButton))
		if b.Style == bot.StyleDanger {
			e.Confirm.Style = slack.StyleDanger
		}
	}
	return e
}

// formButton stands for a form inside a message: its title, then a
// button whose value carries the form (FormValue), so a click can open it
// as a modal with that click's trigger_id.
func (r *renderer) formButton(f bot.Form) []slack.Block {
	value, err := FormValue(f)
	if err != nil {
		return nil
	}
	var out []slack.Block
	if t := oneLine(f.Title); t != "" {
		out = append(out, slack.NewSectionBlock(markdown(clip("*"+escape(t)+"*", maxText)), nil, nil))
	}
	r.n++
	e := slack.NewButtonBlockElement(actionID(formPrefix, f.Action.ID, r.n), value, plain(phrase(r.o.Locale, "form.open"), maxButtonText))
	e.Style = slack.StylePrimary
	return append(out, slack.NewActionBlock("", e))
}
