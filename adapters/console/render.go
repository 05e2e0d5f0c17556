package console

import (
	"fmt"
	"math"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// render shows a message as plain terminal text, one function per block
// type. A message that is a single paragraph prints as that paragraph; a
// card is framed, with its buttons numbered from 1 in the order click uses.
func render(m bot.Message) string {
	if m.Title == "" && len(m.Blocks) == 1 {
		if t, ok := m.Blocks[0].(bot.Text); ok {
			return renderText(t)
		}
	}
	var b strings.Builder
	b.WriteString(strings.TrimRight("┌ "+colorMark(m.Color)+m.Title, " ") + "\n")
	n := 0
	for _, blk := range m.Blocks {
		var s string
		switch blk := blk.(type) {
		case bot.Text:
			s = renderText(blk)
		case bot.Fields:
			s = renderFields(blk)
		case bot.Progress:
			s = renderProgress(blk)
		case bot.Buttons:
			s = renderButtons(blk, &n)
		case bot.Form:
			s = renderForm(blk)
		case bot.Divider:
			s = renderDivider()
		case bot.Context:
			s = renderContext(blk)
		}
		for line := range strings.Lines(s) {
			b.WriteString(strings.TrimRight("│ "+line, " \n") + "\n")
		}
	}
	b.WriteString("└\n")
	return b.String()
}

// renderText drops the **bold** markers, which a plain terminal cannot show.
func renderText(t bot.Text) string {
	return strings.ReplaceAll(t.Body, "**", "") + "\n"
}

func renderFields(fs bot.Fields) string {
	var b strings.Builder
	for _, f := range fs {
		value := strings.ReplaceAll(f.Value, "\n", "\n    ")
		fmt.Fprintf(&b, "  %s: %s\n", f.Label, value)
	}
	return b.String()
}

// renderProgress draws a ten-cell bar: [██████░░░░] 60% label detail.
func renderProgress(p bot.Progress) string {
	pct := math.Max(0, math.Min(100, p.Percent))
	full := int(math.Round(pct / 10))
	bar := "[" + strings.Repeat("█", full) + strings.Repeat("░", 10-full) + "]"
	num := fmt.Sprintf("%.1f%%", p.Percent)
	if p.Percent == math.Trunc(p.Percent) {
		num = fmt.Sprintf("%.0f%%", p.Percent)
	}
	parts := []string{bar, num}
	for _, s := range []string{strings.TrimSpace(colorMark(p.Color)), p.Label, p.Detail} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ") + "\n"
}

// renderButtons numbers buttons on from *n, so numbering runs on across the
// rows of one message. Danger buttons carry a warning sign and buttons
// that ask for confirmation an ellipsis.
func renderButtons(bs bot.Buttons, n *int) string {
	labels := make([]string, len(bs))
	for i, btn := range bs {
		*n++
		label := btn.Label
		if btn.Style == bot.StyleDanger {
			label = "⚠ " + label
		}
		if btn.Confirm != "" {
			label += "…"
		}
		labels[i] = fmt.Sprintf("[%d] %s", *n, label)
	}
	return strings.Join(labels, "  ") + "\n"
}

// renderForm lists the inputs (* marks required ones) and the submit label;
// the walk-through in form.go asks for the values.
func renderForm(f bot.Form) string {
	labels := make([]string, len(f.Inputs))
	for i, in := range f.Inputs {
		labels[i] = in.Label
		if in.Required {
			labels[i] += "*"
		}
	}
	s := "📝 " + f.Title
	if f.Title != "" {
		s += ": "
	}
	s += strings.Join(labels, ", ")
	if f.Submit != "" {
		s += " → [" + f.Submit + "]"
	}
	return s + "\n"
}

func renderDivider() string { return strings.Repeat("─", 24) + "\n" }

// renderContext indents secondary text behind a dot, the terminal's "dimmed".
func renderContext(c bot.Context) string {
	return "  · " + strings.ReplaceAll(string(c), "\n", "\n    ") + "\n"
}

// colorMark shows a card or bar color as a coloured dot, since the console
// prints no escape codes.
func colorMark(c bot.Color) string {
	switch c {
	case bot.ColorBlue:
		return "🔵 "
	case bot.ColorGreen:
		return "🟢 "
	case bot.ColorOrange:
		return "🟠 "
	case bot.ColorRed:
		return "🔴 "
	case bot.ColorGrey:
		return "⚪ "
	}
	return ""
}
