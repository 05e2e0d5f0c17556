package card

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// Progress shows twice when a message has several goals: one horizontal
// bar chart for the run, for the overview, then a text bar per goal with its
// detail. The text bar alone is used for a single goal; it also renders on
// clients that fail to draw a chart.

const barCells = 10

// percent clamps p to 0–100; NaN, which JSON cannot carry, is 0.
func percent(p float64) float64 {
	if math.IsNaN(p) {
		return 0
	}
	return math.Max(0, math.Min(100, p))
}

// percentText is the engine's own rounding: "60%". Over-achievement shows
// its true value even though the bar stops at full.
func percentText(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "–"
	}
	return strconv.Itoa(int(math.Round(p))) + "%"
}

// progress is a markdown bar:
//
//	**1. 季度销售额** 60%
//	██████░░░░ 35万 → 41万 / 50万
//
// with the filled cells in the progress color.
func progress(p bot.Progress) element {
	full := int(math.Round(percent(p.Percent) / 100 * barCells))
	head := percentText(p.Percent)
	if l := strings.TrimSpace(p.Label); l != "" {
		head = "**" + escapeLines(l, false) + "** " + head
	}
	bar := ""
	if full > 0 {
		bar += "<font color='" + template(p.Color) + "'>" + strings.Repeat("█", full) + "</font>"
	}
	if full < barCells {
		bar += "<font color='grey'>" + strings.Repeat("░", barCells-full) + "</font>"
	}
	if d := strings.TrimSpace(strings.ReplaceAll(p.Detail, "\n", " ")); d != "" {
		bar += " " + escapeLines(d, false)
	}
	return element{"tag": "markdown", "content": head + "\n" + bar}
}

// progressRun is how many Progress blocks start at i, or 0 when block i
// continues a run that began earlier.
func progressRun(blocks []bot.Block, i int) int {
	if i > 0 {
		if _, ok := blocks[i-1].(bot.Progress); ok {
			return 0
		}
	}
	n := 0
	for _, b := range blocks[i:] {
		if _, ok := b.(bot.Progress); !ok {
			break
		}
		n++
	}
	return n
}

// chartColors are the Feishu palette's hues for the engine colors.
var chartColors = map[string]string{
	"blue":   "#3370FF",
	"green":  "#34C724",
	"orange": "#FF8800",
	"red":    "#F54A45",
	"grey":   "#8F959E",
}

// progressChart is a horizontal VChart bar chart of a run of Progress
// blocks on a 0–100 axis, each bar in its goal's color. The spec is plain
// JSON: the chart component runs no JavaScript.
func progressChart(run []bot.Block) element {
	var values []any
	var domain, colors []any
	seen := map[string]int{}
	for i, b := range run {
		p := b.(bot.Progress)
		name := strings.TrimSpace(p.Label)
		if name == "" {
			name = strconv.Itoa(i + 1)
		}
		if seen[name]++; seen[name] > 1 { // a band axis merges equal names
			name = fmt.Sprintf("%s (%d)", name, seen[name])
		}
		c := template(p.Color)
		if !slices.Contains(domain, any(c)) {
			domain, colors = append(domain, c), append(colors, chartColors[c])
		}
		values = append(values, element{"goal": clip(name, 24), "percent": math.Round(percent(p.Percent)), "color": c})
	}
	spec := element{
		"type":        "bar",
		"direction":   "horizontal",
		"data":        []element{{"id": "progress", "values": values}},
		"xField":      "percent",
		"yField":      "goal",
		"seriesField": "color",
		"color":       element{"type": "ordinal", "domain": domain, "range": colors},
		"axes": []element{
			{"orient": "bottom", "type": "linear", "min": 0, "max": 100},
			{"orient": "left", "type": "band"},
		},
		"label":   element{"visible": true},
		"legends": element{"visible": false},
		"padding": element{"top": 4, "bottom": 4, "left": 4, "right": 16},
	}
	height := min(48+36*len(run), 999)
	return element{"tag": "chart", "height": strconv.Itoa(height) + "px", "preview": false, "chart_spec": spec}
}
