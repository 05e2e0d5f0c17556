package card

import (
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

func TestMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**目标** 50万", "**目标** 50万"},
		{"已记录，**谢谢**！\n下次：周五 17:00", "已记录，**谢谢**！\n下次：周五 17:00"},
		{"** spaced ** x", "&nbsp;**spaced**  x"},
		{"a ** b", "a &#42;&#42; b"},
		{"****", ""},
		{"<at id=all></at>", "&#60;at id=all&#62;&#60;/at&#62;"},
		{"[click](https://evil.example)", "&#91;click&#93;(https://evil.example)"},
		{"a_b*c~d`e|f$g\\h", "a&#95;b&#42;c&#126;d&#96;e&#124;f&#36;g&#92;h"},
		{"&lt; stays", "&#38;lt; stays"},
		{"# not a heading\n- not a list\n+ nor\n> nor quote", "&#35; not a heading\n&#45; not a list\n&#43; nor\n&#62; nor quote"},
		{"2. ✅ done\n10) x\n3.5 goals", "2&#46; ✅ done\n10&#41; x\n3.5 goals"},
		{"text\n===\n---", "text\n&#61;==\n&#45;--"},
		{"    code?", "&nbsp;&nbsp;&nbsp;&nbsp;code?"},
		{"x - y # z", "x - y # z"},
		{"**1. goal**\n2. next", "**1. goal**\n2&#46; next"},
	}
	for _, tt := range tests {
		if got := markdown(tt.in); got != tt.want {
			t.Errorf("markdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestProgressBar(t *testing.T) {
	got := progress(bot.Progress{Label: "1. 销售额", Percent: 64, Detail: "35万 → 42万 / 50万", Color: bot.ColorGreen})["content"]
	want := "**1. 销售额** 64%\n<font color='green'>██████</font><font color='grey'>░░░░</font> 35万 → 42万 / 50万"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	over := progress(bot.Progress{Percent: 130})["content"].(string)
	if !strings.HasPrefix(over, "130%\n<font color='blue'>██████████</font>") || strings.Contains(over, "░") {
		t.Errorf("over-achieved bar %q", over)
	}
}

func TestFieldsAndContextAreLiteral(t *testing.T) {
	rows := fields(bot.Fields{{Label: "a*b", Value: "<at id=all></at>"}, {Label: "empty"}, {Label: "odd", Value: "x"}})
	if len(rows) != 2 {
		t.Fatalf("%d rows for 3 fields", len(rows))
	}
	first := rows[0]["columns"].([]any)
	if got := first[0].(element)["elements"].([]element)[0]["content"]; got != "**a&#42;b**\n&#60;at id=all&#62;&#60;/at&#62;" {
		t.Errorf("field %q", got)
	}
	if got := first[1].(element)["elements"].([]element)[0]["content"]; got != "**empty**\n—" {
		t.Errorf("empty field %q", got)
	}
	if got := grey("a\n\n<b>"); got != "<font color='grey'>a</font>\n\n<font color='grey'>&#60;b&#62;</font>" {
		t.Errorf("context %q", got)
	}
}
