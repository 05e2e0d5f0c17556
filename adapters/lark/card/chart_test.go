package card

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// trendMessage is a plan card as show renders it for a plan with n goals
// reported over four weeks (one without an update, one target adjusted),
// with a chart for each of the first min(n, 5).
func trendMessage(n int) bot.Message {
	p := &bot.Plan{Start: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	var vals1, vals3 []bot.GoalValue
	for i := 1; i <= n; i++ {
		p.Goals = append(p.Goals, bot.Goal{No: i, Metric: "季度销售额", Baseline: 350000, Target: 480000, Unit: "元"})
		vals1 = append(vals1, bot.GoalValue{Goal: i, Value: 370000})
		vals3 = append(vals3, bot.GoalValue{Goal: i, Value: 410000})
	}
	ups := []bot.Update{
		{Week: "2026-W45", At: time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC), Values: vals1},
		{Week: "2026-W47", At: time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC), Values: vals3},
	}
	adjs := []bot.Adjustment{{Goal: 1, From: 500000, To: 480000, Status: bot.AdjustApplied, DecidedAt: time.Date(2026, 11, 17, 3, 0, 0, 0, time.UTC)}}
	trends := bot.BuildTrends(p, ups, adjs, time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), time.UTC)
	m := planCard()
	var blocks []bot.Block
	for i, t := range trends {
		blocks = append(blocks, bot.Progress{Label: t.Metric, Percent: 46, Detail: "35万 → 41万 / 48万", Color: bot.ColorBlue})
		if i == 4 {
			break
		}
	}
	for i, t := range trends[:min(n, 5)] {
		blocks = append(blocks, bot.Chart{Title: itoa(i+1) + ". 季度销售额（元）", ValueName: "实际", TargetName: "目标", BaselineName: "基线",
			Alt: "11-02 37万元 · 11-09 — · 11-16 41万元 · 11-23 —；目标 48万元", Trend: t})
	}
	m.Blocks = append(slices.Clone(m.Blocks[:len(m.Blocks)-2]), append(blocks, m.Blocks[len(m.Blocks)-2:]...)...)
	return m
}

func itoa(n int) string { return string(rune('0' + n)) }

// chartsIn lists the chart components of a card.
func chartsIn(t *testing.T, card map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	walk(roundTrip(t, card)["body"].(map[string]any)["elements"], func(el map[string]any, _ []string) {
		if el["tag"] == "chart" {
			out = append(out, el)
		}
	})
	return out
}

// TestTrendChartGolden: the plan card with its trend charts, as sent.
func TestTrendChartGolden(t *testing.T) {
	card := Render(trendMessage(2), Options{Locale: bot.LocaleZH, Interactive: true, Private: true})
	golden(t, "trend", card)
	checkCard(t, trendMessage(2), Options{Locale: bot.LocaleZH, Interactive: true, Private: true})
}

// TestTrendChartSpec: the values, the gap week, the adjusted target line
// and the baseline are where a reader expects them, and the spec is
// plain data: no JavaScript function, no NaN.
func TestTrendChartSpec(t *testing.T) {
	var charts []map[string]any
	for _, c := range chartsIn(t, Render(trendMessage(1), Options{Locale: bot.LocaleZH})) {
		if c["chart_spec"].(map[string]any)["type"] == "line" {
			charts = append(charts, c)
		}
	}
	if len(charts) != 1 {
		t.Fatalf("%d trend charts, want 1", len(charts))
	}
	c := charts[0]
	if r := c["aspect_ratio"]; !slices.Contains([]any{"1:1", "2:1", "4:3", "16:9"}, r) {
		t.Errorf("aspect_ratio %v", r)
	}
	spec := c["chart_spec"].(map[string]any)
	if spec["type"] != "line" || spec["seriesField"] != "s" || spec["xField"] != "w" || spec["yField"] != "v" {
		t.Fatalf("spec %v", spec)
	}
	var actual, target []string
	for _, v := range spec["data"].([]any)[0].(map[string]any)["values"].([]any) {
		p := v.(map[string]any)
		point := p["w"].(string) + "=" + strings.TrimSuffix(strings.TrimSuffix(jsonOf(t, p["v"]), "0000"), ".0")
		switch p["s"] {
		case "实际":
			actual = append(actual, point)
		case "目标":
			target = append(target, point)
		default:
			t.Errorf("point of an unknown series %v", p)
		}
	}
	if got := strings.Join(actual, " "); got != "11-02=37 11-16=41" {
		t.Errorf("actual %s", got)
	}
	if got := strings.Join(target, " "); got != "11-02=50 11-09=50 11-16=48 11-23=48" {
		t.Errorf("target %s", got)
	}
	ml := spec["markLine"].([]any)[0].(map[string]any)
	axis := spec["axes"].([]any)[1].(map[string]any)
	if ml["y"] != 350000.0 || axis["min"].(float64) > 350000 || axis["max"].(float64) < 500000 {
		t.Errorf("baseline %v outside the axis %v–%v", ml["y"], axis["min"], axis["max"])
	}
	checkPlainSpec(t, spec)
}

func jsonOf(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkPlainSpec fails on anything in a chart spec but JSON data: a
// string that reads as JavaScript, which the component refuses.
func checkPlainSpec(t *testing.T, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if strings.Contains(strings.ToLower(k), "formatmethod") || k == "callback" {
				t.Errorf("spec key %q takes a function", k)
			}
			checkPlainSpec(t, x)
		}
	case []any:
		for _, x := range v {
			checkPlainSpec(t, x)
		}
	case string:
		if s := strings.ReplaceAll(v, " ", ""); strings.Contains(s, "function") || strings.Contains(s, "=>") || strings.Contains(s, "){") {
			t.Errorf("spec string %q reads as JavaScript", v)
		}
	case float64, bool, nil:
	default:
		t.Errorf("spec value %T %v", v, v)
	}
}

// TestAtMostFiveCharts: seven trend charts (more than the engine sends)
// and runs of goal bars still make five chart components, the trends
// first; the bars keep no chart slot while trends fill them.
func TestAtMostFiveCharts(t *testing.T) {
	m := trendMessage(5)
	extra := bot.ChartsOf(m)
	m.Blocks = append(m.Blocks, extra[0], extra[1])
	charts := chartsIn(t, Render(m, Options{Locale: bot.LocaleZH}))
	if len(charts) != maxCharts {
		t.Fatalf("%d charts, want %d", len(charts), maxCharts)
	}
	for _, c := range charts {
		if c["chart_spec"].(map[string]any)["type"] != "line" {
			t.Errorf("a bar chart took a trend's slot: %v", c["chart_spec"])
		}
	}
	var types []string
	for _, c := range chartsIn(t, Render(trendMessage(2), Options{})) {
		types = append(types, c["chart_spec"].(map[string]any)["type"].(string))
	}
	if got := strings.Join(types, " "); got != "bar bar line line" {
		t.Errorf("two trends and two runs of bars: %s", got)
	}
}

// TestTooBigDropsChartsFirst: a card over the limit with its charts loses
// the charts, not its texts or bars, and says so; one that still does not
// fit is shortened as before, without charts.
func TestTooBigDropsChartsFirst(t *testing.T) {
	// A text long enough that the card is over the limit with its charts
	// and under it without them.
	var m bot.Message
	var long string
	for n := 100; ; n += 10 {
		long = strings.Repeat("客户拜访记录需要每周五前更新。", n)
		m = trendMessage(5)
		m.Blocks = append([]bot.Block{bot.Text{Body: long}}, m.Blocks...)
		if SentSize(build(m, Options{Locale: bot.LocaleZH, Interactive: true})) > MaxBytes {
			break
		}
	}
	if n := SentSize(build(m, Options{Locale: bot.LocaleZH, Interactive: true, noCharts: true})); n > MaxBytes-1000 {
		t.Fatalf("without charts the test card is still %d bytes", n)
	}
	card := Render(m, Options{Locale: bot.LocaleZH, Interactive: true})
	raw := jsonOf(t, card)
	if n := SentSize(card); n > MaxBytes {
		t.Fatalf("card is %d bytes", n)
	}
	var kept []string
	for _, c := range chartsIn(t, card) {
		kept = append(kept, c["chart_spec"].(map[string]any)["type"].(string))
	}
	// The bar charts go first, then trends from the last: what is left
	// is the first few trends.
	if got := strings.Join(kept, " "); got != "line line line line" {
		t.Errorf("charts kept: %q", got)
	}
	if !strings.Contains(raw, long) || !strings.Contains(raw, "卡片放不下图表") || strings.Contains(raw, phrase(bot.LocaleZH, "truncated")) {
		t.Error("texts were cut, or the note is missing")
	}
	if strings.Count(raw, "██") < 5 {
		t.Error("the text bars are gone")
	}
	checkCard(t, m, Options{Locale: bot.LocaleZH, Interactive: true})

	huge := strings.Repeat("客户拜访记录需要每周五前更新。", 600)
	m.Blocks[0] = bot.Text{Body: huge}
	card = Render(m, Options{Locale: bot.LocaleZH, Interactive: true})
	if n := SentSize(card); n > MaxBytes || len(chartsIn(t, card)) != 0 {
		t.Errorf("huge card: %d bytes, %d charts", n, len(chartsIn(t, card)))
	}
	if raw := jsonOf(t, card); !strings.Contains(raw, phrase(bot.LocaleZH, "truncated")) {
		t.Error("a shortened card does not say so")
	}
}
