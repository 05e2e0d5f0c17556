package card

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

func TestLongTextFitsTheCard(t *testing.T) {
	long := strings.Repeat("客户跟进不及时 <b> & **粗** ", 4000)
	m := planCard()
	m.Blocks = append([]bot.Block{bot.Text{Body: long}, bot.Fields{{Label: "备注", Value: long}}, bot.Context(long)}, m.Blocks...)
	for range 200 {
		m.Blocks = append(m.Blocks, bot.Text{Body: strings.Repeat("周报 ", 60)})
	}
	o := Options{Locale: bot.LocaleEN, Interactive: true}
	card := Render(m, o)
	raw, _ := json.Marshal(card)
	if len(raw) > MaxBytes {
		t.Fatalf("card is %d bytes, over %d", len(raw), MaxBytes)
	}
	if !strings.Contains(string(raw), phrase(bot.LocaleEN, "truncated")) {
		t.Error("no note that text was shortened")
	}
	if !strings.Contains(string(raw), "plan.approve") {
		t.Error("buttons were dropped to make room")
	}
	checkCard(t, m, o)
}

func TestManyBlocksDropFromTheEnd(t *testing.T) {
	m := private()
	for i := range 1500 {
		m.Blocks = append(m.Blocks, bot.Text{Body: fmt.Sprintf("第 %d 周：按计划完成", i+1)})
	}
	o := Options{Locale: bot.LocaleZH, Interactive: true}
	raw, _ := json.Marshal(Render(m, o))
	s := string(raw)
	if len(raw) > MaxBytes || !strings.Contains(s, "第 1 周") || strings.Contains(s, "第 1500 周") ||
		!strings.Contains(s, "plan.confirm") || !strings.Contains(s, phrase(bot.LocaleZH, "truncated")) {
		t.Errorf("%d bytes; want the first weeks, the button and the note, not the last week", len(raw))
	}
	checkCard(t, m, o)
}
