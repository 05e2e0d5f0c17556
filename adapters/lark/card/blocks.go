package card

import (
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// fields lays label/value pairs out two per row: one column_set per row, so
// a long value in one pair never pushes the next row out of line. On narrow
// screens "bisect" keeps the two halves side by side.
func fields(fs bot.Fields) []element {
	var rows []element
	for i := 0; i < len(fs); i += 2 {
		var cols []any
		for _, f := range fs[i:min(i+2, len(fs))] {
			cols = append(cols, column(element{"tag": "markdown", "content": field(f)}))
		}
		if len(cols) == 1 {
			cols = append(cols, column()) // keep the pair's half width
		}
		rows = append(rows, element{"tag": "column_set", "flex_mode": "bisect", "horizontal_spacing": "12px", "columns": cols})
	}
	return rows
}

// field is "**Label**\nValue"; an empty value shows as a dash.
func field(f bot.Field) string {
	v := literal(f.Value)
	if strings.TrimSpace(f.Value) == "" {
		v = "—"
	}
	if strings.TrimSpace(f.Label) == "" {
		return v
	}
	return "**" + escapeLines(strings.TrimSpace(f.Label), false) + "**\n" + v
}

// column is one equal-width column holding els.
func column(els ...element) element {
	if els == nil {
		els = []element{}
	}
	return element{"tag": "column", "width": "weighted", "weight": 1, "vertical_align": "top", "elements": els}
}

// buttonTypes maps engine styles to 2.0 button types.
var buttonTypes = map[bot.ButtonStyle]string{
	bot.StyleDefault: "default",
	bot.StylePrimary: "primary",
	bot.StyleDanger:  "danger",
}

// buttons is a row of buttons, each in its own auto-width column so they
// sit side by side and wrap ("flow") when the screen is narrow. 2.0 has no
// "action" row module any more.
func buttons(bs bot.Buttons, l bot.Locale) element {
	cols := make([]any, 0, len(bs))
	for _, b := range bs {
		cols = append(cols, element{"tag": "column", "width": "auto", "vertical_align": "top",
			"elements": []element{button(b, l)}})
	}
	return element{"tag": "column_set", "flex_mode": "flow", "horizontal_spacing": "8px", "columns": cols}
}

// button clicks back with the engine action as its callback value. The
// value is routing only: the engine authorises whoever clicked.
func button(b bot.Button, l bot.Locale) element {
	typ, ok := buttonTypes[b.Style]
	if !ok {
		typ = "default"
	}
	e := element{
		"tag":       "button",
		"text":      plain(clip(b.Label, maxShort)),
		"type":      typ,
		"behaviors": []element{{"type": "callback", "value": ActionValue(b.Action, false)}},
	}
	if b.Confirm != "" {
		e["confirm"] = element{"title": plain(phrase(l, "confirm.title")), "text": plain(b.Confirm)}
	}
	return e
}
