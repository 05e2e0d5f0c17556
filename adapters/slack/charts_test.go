package slack

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// testChart: four weeks; no report in the second; the third's value is
// the (adjusted) target, the fourth's the baseline.
func testChart(goal int) bot.Chart {
	return bot.Chart{Title: "1. 季度销售额（元）", ValueName: "实际", TargetName: "目标", BaselineName: "基线",
		Alt: "1. 季度销售额：11-02 37万元 · 11-09 — · 11-16 48万元 · 11-23 35万元；目标 48万元，基线 35万元",
		Trend: bot.Trend{Goal: goal, Metric: "季度销售额", Unit: "元", Baseline: 350000, Weeks: []bot.TrendWeek{
			{Week: "2026-W45", Label: "11-02", Value: 370000, Reported: true, Target: 500000},
			{Week: "2026-W46", Label: "11-09", Target: 500000},
			{Week: "2026-W47", Label: "11-16", Value: 480000, Reported: true, Target: 480000},
			{Week: "2026-W48", Label: "11-23", Value: 350000, Reported: true, Target: 480000},
		}}}
}

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

func is(img image.Image, x, y int, c color.RGBA) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(b>>8) == c.B
}

// rows lists the rows of column x in color c.
func rows(img image.Image, x int, c color.RGBA) []int {
	var out []int
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		if is(img, x, y, c) {
			out = append(out, y)
		}
	}
	return out
}

// TestChartPNG: the image decodes at its size; each reported value is a
// dot where its value says: on the target line's row the week it met the
// target, on the baseline's row the week it fell back, higher values
// higher up; the week without a report has the joining line but no dot.
func TestChartPNG(t *testing.T) {
	c := testChart(1)
	data, err := chartPNG(c)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, data)
	if b := img.Bounds(); b.Dx() != chartW || b.Dy() != chartH {
		t.Fatalf("size %v", b)
	}
	p := plotOf(c)
	for i, w := range c.Weeks {
		if w.Reported && !is(img, p.x(i), p.y(w.Value), colorValue) {
			t.Errorf("week %s: no value pixel at (%d, %d)", w.Label, p.x(i), p.y(w.Value))
		}
	}
	// Read the target and baseline rows off the image, not the mapping.
	targetRow := func(x int) int {
		for y := range chartH {
			if is(img, x, y, colorTarget) {
				return y
			}
		}
		return -1
	}
	// Just right of week 3's dot, the target line is level at 480000.
	var tRow int
	for dx := 6; dx < 20 && tRow <= 0; dx++ {
		tRow = targetRow(p.x(2) + dx)
	}
	dot := rows(img, p.x(2), colorValue)
	if tRow <= 0 || len(dot) == 0 || tRow < dot[0] || tRow > dot[len(dot)-1] {
		t.Errorf("the week that met the target: dot rows %v, target row %d", dot, tRow)
	}
	// Week 1's target (500000) is above week 3's (480000), and its value (370000) below both.
	var t1 int
	for dx := 6; dx < 20 && t1 <= 0; dx++ {
		t1 = targetRow(p.x(0) + dx)
	}
	v1 := rows(img, p.x(0), colorValue)
	if t1 <= 0 || t1 >= tRow || len(v1) == 0 || v1[0] <= tRow {
		t.Errorf("target rows %d, %d; value rows %v", t1, tRow, v1)
	}
	// Week 4's value is the baseline: the dot sits on the grey dashed row.
	base := -1
	for x := plotLeft + 2; x < plotLeft+20 && base < 0; x++ {
		for y := plotTop; y < plotBottom; y++ {
			if is(img, x, y, colorBaseline) {
				base = y
				break
			}
		}
	}
	d4 := rows(img, p.x(3), colorValue)
	if base < 0 || len(d4) == 0 || base < d4[0] || base > d4[len(d4)-1] {
		t.Errorf("baseline row %d, week 4 dot rows %v", base, d4)
	}
	// A dot is 9 px tall; the line through a week without a report, 3 to 4.
	if n := len(rows(img, p.x(1), colorValue)); n == 0 || n > 5 {
		t.Errorf("the week without a report: %d value rows, want the joining line only", n)
	}
	if n := len(rows(img, p.x(2), colorValue)); n < 9 {
		t.Errorf("a reported week: %d value rows, want a dot", n)
	}
	if !is(img, chartW-5, 5, colorBackground) {
		t.Error("the corner is not background")
	}
}

// chartReply is a private plan card with its text bars and two charts.
func chartReply() bot.Reply {
	r := bot.Reply{Private: true, Message: bot.Message{Title: "#12 绩效改进计划 · 张三", Blocks: []bot.Block{
		bot.Progress{Label: "1. 季度销售额", Percent: 46, Detail: "35万 → 41万 / 48万"},
		testChart(1), testChart(2),
	}}}
	return r
}

// sharedFiles are the files shared somewhere.
func sharedFiles(o *outbound) []slacktest.File {
	var out []slacktest.File
	for _, f := range o.fake.Files() {
		if f.Channel != "" {
			out = append(out, f)
		}
	}
	return out
}

// TestChartsSharedInDM: a plan card asked for in a channel is shown
// ephemerally with its text bars, and its charts are shared as PNGs in
// the asker's DM, never in the channel, once however often it is
// delivered.
func TestChartsSharedInDM(t *testing.T) {
	o := newOutbound(t, nil, nil)
	origin := Origin{TeamID: slacktest.TeamID, ChannelID: "C1", ChannelType: "channel", UserID: "U1", EventID: "Ev9"}
	for range 2 {
		if err := o.snd.Deliver(outCtx, origin, []bot.Reply{chartReply()}); err != nil {
			t.Fatalf("deliver: %v", err)
		}
	}
	eph := o.fake.Ephemerals()
	if len(eph) == 0 || eph[0].Channel != "C1" || !strings.Contains(string(eph[0].Blocks), "35万 → 41万 / 48万") {
		t.Fatalf("the card with its text bars was not shown in C1: %+v", eph)
	}
	files := sharedFiles(o)
	dm := outDM(t, o, "U1")
	if len(files) != 2 {
		t.Fatalf("%d files shared, want the two charts once", len(files))
	}
	for _, f := range files {
		if f.Channel != dm || f.Channel == "C1" {
			t.Errorf("%s shared in %s, want the DM %s", f.Name, f.Channel, dm)
		}
		if !strings.HasSuffix(f.Name, ".png") || f.Title != "1. 季度销售额（元）" || !strings.Contains(f.Alt, "11-09 —") {
			t.Errorf("file %s titled %q alt %q", f.Name, f.Title, f.Alt)
		}
		if b := decodePNG(t, f.Data).Bounds(); b.Dx() != chartW || b.Dy() != chartH {
			t.Errorf("%s is %v", f.Name, b)
		}
		if !strings.Contains(f.Comment, "#12 绩效改进计划") || !strings.Contains(f.Comment, "🔴 目标") || !strings.Contains(f.Comment, "11-16 48万元") {
			t.Errorf("comment %q", f.Comment)
		}
	}
	for _, m := range o.fake.Messages() {
		if m.Channel == "C1" {
			t.Errorf("a message was posted in the channel: %s", m.Text)
		}
	}
}

// TestChartsToAddressee: a card sent to a person (no event) shares the
// charts in that person's DM, after the card itself.
func TestChartsToAddressee(t *testing.T) {
	o := newOutbound(t, nil, nil)
	r := chartReply()
	r.To, r.Key = "U2", "card:12"
	if _, err := o.snd.Send(outCtx, slacktest.TeamID, r); err != nil {
		t.Fatal(err)
	}
	dm := outDM(t, o, "U2")
	msgs := o.fake.Messages()
	if len(msgs) != 1 || msgs[0].Channel != dm {
		t.Fatalf("messages %+v", msgs)
	}
	if files := sharedFiles(o); len(files) != 2 || files[0].Channel != dm {
		t.Fatalf("files %+v", files)
	}
}

// TestChartsNeverToChannel: a message for a channel shares no chart, and
// nothing is even uploaded.
func TestChartsNeverToChannel(t *testing.T) {
	o := newOutbound(t, nil, nil)
	r := chartReply()
	r.Private, r.GroupSafe, r.Chat = false, true, "C1"
	if err := o.snd.Deliver(outCtx, Origin{TeamID: slacktest.TeamID, ChannelID: "C1", ChannelType: "channel", UserID: "U1"}, []bot.Reply{r}); err != nil {
		t.Fatal(err)
	}
	if n := len(o.fake.Files()); n != 0 {
		t.Errorf("%d files uploaded for a channel", n)
	}
	if msgs := o.fake.Messages(); len(msgs) != 1 || msgs[0].Channel != "C1" {
		t.Errorf("messages %+v", msgs)
	}
}

// TestChartsLongTexts: a goal named in 2,500 characters still shares,
// its title, alt text and comment cut to what Slack takes.
func TestChartsLongTexts(t *testing.T) {
	o := newOutbound(t, nil, nil)
	r := chartReply()
	long := strings.Repeat("季度销售额", 500)
	for i, b := range r.Message.Blocks {
		if c, ok := b.(bot.Chart); ok {
			c.Title, c.Alt = long, long
			r.Message.Blocks[i] = c
		}
	}
	r.To = "U3"
	if _, err := o.snd.Send(outCtx, slacktest.TeamID, r); err != nil {
		t.Fatal(err)
	}
	files := sharedFiles(o)
	if len(files) != 2 {
		t.Fatalf("%d files shared", len(files))
	}
	for _, f := range files {
		if n := len([]rune(f.Title)); n > maxTitle || n < 100 {
			t.Errorf("title of %d runes", n)
		}
		if n := len([]rune(f.Alt)); n > maxAltText {
			t.Errorf("alt text of %d runes", n)
		}
		if n := len([]rune(f.Comment)); n > maxComment {
			t.Errorf("comment of %d runes", n)
		}
	}
}
