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
	if n := SentSize(card); n > MaxBytes {
		t.Fatalf("card is %d bytes as sent, over %d", n, MaxBytes)
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
	card := Render(m, o)
	raw, _ := json.Marshal(card)
	s := string(raw)
	if SentSize(card) > MaxBytes || !strings.Contains(s, "第 1 周") || strings.Contains(s, "第 1500 周") ||
		!strings.Contains(s, "plan.confirm") || !strings.Contains(s, phrase(bot.LocaleZH, "truncated")) {
		t.Errorf("%d bytes as sent; want the first weeks, the button and the note, not the last week", SentSize(card))
	}
	checkCard(t, m, o)
}

// A card is measured as the request carries it: its JSON as an escaped
// string, over 4 KB longer than the plain JSON for a card full of quotes
// and <, >, &; measured plainly it would pass here and be refused by Feishu.
func TestSizeCountsTheEscapedContent(t *testing.T) {
	m := planCard()
	for range 300 {
		m.Blocks = append(m.Blocks, bot.Text{Body: strings.Repeat(`"<&>"`, 20)})
	}
	card := Render(m, Options{Locale: bot.LocaleZH, Interactive: true})
	raw, _ := json.Marshal(card)
	sent, _ := json.Marshal(string(raw))
	if len(sent) > MaxBytes {
		t.Fatalf("sent as %d bytes, over %d", len(sent), MaxBytes)
	}
	if len(sent)-len(raw) < 4<<10 {
		t.Errorf("plain %d bytes against %d sent: the test text does not escape as it should", len(raw), len(sent))
	}
	if !strings.Contains(string(raw), phrase(bot.LocaleZH, "truncated")) {
		t.Error("the card was not shortened, so the escaped size was never at stake")
	}
}

// TestQuotedLenIsMarshal: SentSize counts exactly what json.Marshal of the
// card's JSON as a string writes.
func TestQuotedLenIsMarshal(t *testing.T) {
	for _, s := range []string{"", "plain", `"q" \ </b> & \n`, "\u2028\u2029 客户😀", "\x01\x1f\t\r\b\f", strings.Repeat(`"<&>"`, 100)} {
		b, _ := json.Marshal(map[string]any{"content": s, "x": []any{s, "\n"}})
		want, _ := json.Marshal(string(b))
		if got := quotedLen(b); got != len(want) {
			t.Errorf("%q: %d, want %d", s, got, len(want))
		}
	}
}
