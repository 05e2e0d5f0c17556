package card

import (
	"math"

	"github.com/pipbot/pipbot/bot"
)

// A goal's weekly trend (bot.Chart) is a card JSON 2.0 "chart" component:
// a VChart line chart with two series, the reported values and the target
// in force each week (a step when the target was adjusted), and the
// baseline as a dashed mark line. The spec is plain JSON, as the component
// asks (it runs no JavaScript): no formatter or callback anywhere.
//
// Charts share the card's budget of maxCharts with the progress-bar
// charts; the trend charts come first. A card too large for Feishu loses
// its charts before any text is shortened: the goals' text bars stay.

// maxChartTitle keeps a chart's title to one line.
const maxChartTitle = 60

// trendChart is one goal's trend as a chart component.
func trendChart(c bot.Chart) element {
	valueName, targetName := c.ValueName, c.TargetName
	if valueName == "" || valueName == targetName { // one name would merge the two lines
		valueName, targetName = "actual", "target"
	}
	values := make([]any, 0, 2*len(c.Weeks))
	for _, w := range c.Weeks { // the target names every week, so the axis has them all, in order
		values = append(values, element{"w": w.Label, "s": targetName, "v": finite(w.Target)})
	}
	for _, w := range c.Weeks { // a week without a report has no point: the line joins its neighbours
		if w.Reported {
			values = append(values, element{"w": w.Label, "s": valueName, "v": finite(w.Value)})
		}
	}
	lo, hi := c.Range()
	spec := element{
		"type":        "line",
		"title":       element{"visible": true, "text": clip(c.Title, maxChartTitle)},
		"data":        []element{{"id": "trend", "values": values}},
		"xField":      "w",
		"yField":      "v",
		"seriesField": "s",
		"color":       element{"type": "ordinal", "domain": []any{valueName, targetName}, "range": []any{chartColors["blue"], chartColors["red"]}},
		"point":       element{"visible": true},
		"axes": []element{
			{"orient": "bottom", "type": "band"},
			{"orient": "left", "type": "linear", "min": finite(lo), "max": finite(hi), "zero": false},
		},
		"markLine": []element{{
			"y":         finite(c.Baseline),
			"line":      element{"style": element{"stroke": chartColors["grey"], "lineDash": []any{4, 4}}},
			"label":     element{"visible": true, "text": clip(c.BaselineName, maxShort)},
			"endSymbol": element{"visible": false},
		}},
		"legends": element{"visible": true, "orient": "bottom"},
	}
	return element{"tag": "chart", "aspect_ratio": "2:1", "preview": true, "chart_spec": spec}
}

// finite keeps NaN and infinities, which JSON cannot carry, out of a spec.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// trendCharts is how many of the card's chart slots the trend charts take.
func trendCharts(blocks []bot.Block) int {
	n := 0
	for _, b := range blocks {
		if _, ok := b.(bot.Chart); ok {
			n++
		}
	}
	return min(n, maxCharts)
}

// fitCharts, for a card too large as built, drops charts first: the
// progress-bar charts (the text bars say the same), then the trend charts
// from the last (the least urgent goal) one by one, each time with a note
// saying so. It returns the card once one fits; otherwise the message
// without charts and the options that keep them out, for fit to shorten
// texts.
func fitCharts(m bot.Message, o Options) (map[string]any, bot.Message, Options, bool) {
	if o.noCharts {
		return nil, m, o, false
	}
	var at []int // indices of the trend charts
	for i, b := range m.Blocks {
		if _, ok := b.(bot.Chart); ok {
			at = append(at, i)
		}
	}
	note := bot.Context(chartsLeftOut(o.Locale))
	o.noBars = true
	for k := len(at); k >= 0; k-- { // keep the first k trend charts
		c := m
		c.Blocks = nil
		for i, b := range m.Blocks {
			if _, ok := b.(bot.Chart); !ok || k == len(at) || i < at[k] {
				c.Blocks = append(c.Blocks, b)
			}
		}
		c.Blocks = append(c.Blocks, note)
		if card := build(c, o); SentSize(card) <= MaxBytes {
			return card, c, o, true
		}
	}
	m = bot.WithoutCharts(m)
	m.Blocks = append(m.Blocks, note)
	o.noCharts = true
	return nil, m, o, false
}

// chartsLeftOut is the note on a card whose charts did not fit.
func chartsLeftOut(l bot.Locale) string {
	if l == bot.LocaleEN {
		return "The charts did not fit in one card and were left out; the bars show each goal's progress."
	}
	return "卡片放不下图表，已省略；各目标进度见文字进度条。"
}
