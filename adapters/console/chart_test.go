package console

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// TestChartsStayText: the terminal draws no chart; a card with trend
// charts prints exactly as without them, its text bars included.
func TestChartsStayText(t *testing.T) {
	m := everyBlock()
	with := m
	with.Blocks = append(append([]bot.Block{}, m.Blocks...), bot.Chart{Title: "1. Quarterly sales", Alt: "11-02 370,000",
		Trend: bot.Trend{Goal: 1, Weeks: []bot.TrendWeek{{Label: "11-02", Value: 370000, Reported: true, Target: 500000}}}})
	if got, want := render(with), render(m); got != want {
		t.Errorf("with a chart:\n%s\nwithout:\n%s", got, want)
	}
}
