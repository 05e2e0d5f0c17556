package slack

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/pipbot/pipbot/bot"
)

// Slack has no chart block, so a goal's weekly trend (bot.Chart) is drawn
// here as a PNG in pure Go: the reported values as a blue line with a dot
// per report (a week without one has no dot; the line joins its
// neighbours), the target in force each week as a red dashed step line,
// the baseline as a grey dashed line, the value axis labelled on the left
// and the weeks ("11-16") below. Labels are ASCII numbers only (the
// built-in bitmap font has no Chinese); the words go in the file's title
// and comment.

// Size of a chart image and its plot area.
const (
	chartW, chartH = 640, 320
	plotLeft       = 64
	plotRight      = chartW - 20
	plotTop        = 20
	plotBottom     = chartH - 40
	yTicks         = 5
)

// Colors of a chart image, the Feishu palette's, so both platforms match.
var (
	colorBackground = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	colorGrid       = color.RGBA{0xE5, 0xE6, 0xEB, 0xFF}
	colorAxis       = color.RGBA{0x8F, 0x95, 0x9E, 0xFF}
	colorText       = color.RGBA{0x1F, 0x23, 0x29, 0xFF}
	colorValue      = color.RGBA{0x33, 0x70, 0xFF, 0xFF}
	colorTarget     = color.RGBA{0xF5, 0x4A, 0x45, 0xFF}
	colorBaseline   = color.RGBA{0x8F, 0x95, 0x9E, 0xFF}
)

// chartPlot maps a trend's weeks and values to pixels.
type chartPlot struct {
	n      int     // weeks on the axis
	lo, hi float64 // the value axis
}

func plotOf(c bot.Chart) chartPlot {
	lo, hi := c.Range()
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		lo, hi = 0, 1
	}
	return chartPlot{n: max(1, len(c.Weeks)), lo: lo, hi: hi}
}

// x is the center of week i's band.
func (p chartPlot) x(i int) int {
	return plotLeft + int(math.Round((float64(i)+0.5)*float64(plotRight-plotLeft)/float64(p.n)))
}

// y is the row of value v.
func (p chartPlot) y(v float64) int {
	if math.IsNaN(v) {
		v = p.lo
	}
	f := (v - p.lo) / (p.hi - p.lo)
	f = math.Max(-0.05, math.Min(1.05, f))
	return plotBottom - int(math.Round(f*float64(plotBottom-plotTop)))
}

// chartPNG draws c as a PNG.
func chartPNG(c bot.Chart) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH))
	draw.Draw(img, img.Bounds(), image.NewUniform(colorBackground), image.Point{}, draw.Src)
	p := plotOf(c)
	for i := range yTicks {
		v := p.lo + (p.hi-p.lo)*float64(i)/float64(yTicks-1)
		y := p.y(v)
		stroke(img, plotLeft, y, plotRight, y, colorGrid, 1, 0)
		label := compactNumber(v)
		text(img, plotLeft-8-7*len(label), y+4, label)
	}
	stroke(img, plotLeft, plotTop, plotLeft, plotBottom, colorAxis, 1, 0)
	stroke(img, plotLeft, plotBottom, plotRight, plotBottom, colorAxis, 1, 0)
	every := (len(c.Weeks) + 7) / 8 // at most eight labels, each ~35 px wide
	for i, w := range c.Weeks {
		stroke(img, p.x(i), plotBottom, p.x(i), plotBottom+4, colorAxis, 1, 0)
		if i%every == 0 || i == len(c.Weeks)-1 && len(c.Weeks) <= 8 {
			l := asciiOnly(w.Label)
			text(img, p.x(i)-7*len(l)/2, plotBottom+18, l)
		}
	}
	yb := p.y(c.Baseline)
	stroke(img, plotLeft, yb, plotRight, yb, colorBaseline, 1, 6)
	for i, w := range c.Weeks { // the target as a step: level through each week, up or down between
		y := p.y(w.Target)
		x0, x1 := p.x(i)-(p.x(0)-plotLeft), p.x(i)+(p.x(0)-plotLeft)
		stroke(img, x0, y, x1, y, colorTarget, 2, 8)
		if i > 0 {
			stroke(img, x0, p.y(c.Weeks[i-1].Target), x0, y, colorTarget, 2, 8)
		}
	}
	prev := -1
	for i, w := range c.Weeks {
		if !w.Reported {
			continue
		}
		if prev >= 0 {
			stroke(img, p.x(prev), p.y(c.Weeks[prev].Value), p.x(i), p.y(w.Value), colorValue, 3, 0)
		}
		prev = i
	}
	for i, w := range c.Weeks {
		if w.Reported {
			dot(img, p.x(i), p.y(w.Value), 4, colorValue)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// stroke draws a line width pixels wide; dash > 0 draws dash pixels on,
// dash off.
func stroke(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA, width, dash int) {
	steps := max(abs(x1-x0), abs(y1-y0))
	for s := 0; s <= steps; s++ {
		if dash > 0 && (s/dash)%2 == 1 {
			continue
		}
		x, y := x0, y0
		if steps > 0 {
			x = x0 + int(math.Round(float64((x1-x0)*s)/float64(steps)))
			y = y0 + int(math.Round(float64((y1-y0)*s)/float64(steps)))
		}
		for dx := range width {
			for dy := range width {
				img.SetRGBA(x+dx-width/2, y+dy-width/2, c)
			}
		}
	}
}

// dot is a filled circle.
func dot(img *image.RGBA, cx, cy, r int, c color.RGBA) {
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if dx*dx+dy*dy <= r*r {
				img.SetRGBA(cx+dx, cy+dy, c)
			}
		}
	}
}

// text writes ASCII s with its baseline at y.
func text(img *image.RGBA, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(colorText), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// asciiOnly keeps what the bitmap font can draw.
func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E {
			return -1
		}
		return r
	}, s)
}

// compactNumber is an axis label: 350000 is "350k", 1200000 "1.2M", 3.5 "3.5".
func compactNumber(v float64) string {
	a := math.Abs(v)
	suffix := ""
	switch {
	case a >= 1e9:
		v, suffix = v/1e9, "G"
	case a >= 1e6:
		v, suffix = v/1e6, "M"
	case a >= 1e4:
		v, suffix = v/1e3, "k"
	}
	var s string
	if math.Abs(v) >= 100 {
		s = strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	} else {
		s = strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	}
	if s == "-0" {
		s = "0"
	}
	return s + suffix
}
