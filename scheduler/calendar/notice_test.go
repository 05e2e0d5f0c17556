package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestLoadNoticeYear: a year loaded from a holiday file is official, with
// its days, make-up days and source, and the warning about it goes.
func TestLoadNoticeYear(t *testing.T) {
	list, err := LoadNotices("testdata/holidays_2028.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Year != 2028 || len(list[0].Holidays) != 18 || len(list[0].MakeupDays) != 3 {
		t.Fatalf("loaded %+v; want 2028 with 18 days off and 3 make-up days", list)
	}
	c := newCal(t, nil)
	now := time.Date(2027, 11, 20, 9, 0, 0, 0, time.UTC)
	if w := c.Warnings(now); len(w) != 1 || !strings.HasPrefix(w[0], "2028 ") {
		t.Fatalf("before loading: warnings %q, want one for 2028", w)
	}
	before := c.Version("acme")
	changed, err := c.SetNotices(list)
	if err != nil || !changed {
		t.Fatalf("SetNotices = %v, %v; want a change", changed, err)
	}
	if c.Version("acme") == before || c.Version("other") == 0 {
		t.Errorf("versions %d → %d (other %d): every tenant must re-plan", before, c.Version("acme"), c.Version("other"))
	}
	if w := c.Warnings(now); len(w) != 0 {
		t.Errorf("after loading: warnings %q, want none", w)
	}
	tests := []struct {
		date   string
		want   bool
		reason Reason
	}{
		{"2028-01-23", true, ReasonMakeup},   // a Sunday that works
		{"2028-01-31", false, ReasonHoliday}, // a Monday off, the statutory rule did not know
		{"2028-02-05", true, ReasonMakeup},
		{"2028-10-06", false, ReasonHoliday},
		{"2028-10-09", true, ReasonWeekday},
		{"2028-05-01", true, ReasonWeekday}, // the file, not the law, decides now
	}
	for _, tt := range tests {
		ok, info := c.IsWorkday("acme", "CN", day(t, tt.date))
		if ok != tt.want || info.Reason != tt.reason || info.Provisional {
			t.Errorf("IsWorkday(%s) = %v, %+v; want %v, %s, not provisional", tt.date, ok, info, tt.want, tt.reason)
		}
	}
	// 2027's last days are settled once 2028 is in.
	if _, info := c.IsWorkday("acme", "CN", day(t, "2027-12-31")); info.Provisional {
		t.Error("2027-12-31 still provisional with 2028 loaded")
	}
	var buf bytes.Buffer
	if err := c.Print(&buf, "CN", 2028, "zh"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"状态：正式", "数据：file holidays_2028.yaml", "2028-01-23（周日）"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("calendar 2028 lacks %q:\n%s", want, buf.String())
		}
	}
	if strings.Contains(buf.String(), "暂定") {
		t.Errorf("calendar 2028 still provisional:\n%s", buf.String())
	}
	// Loading the same again is no change; loading none removes the year.
	if changed, err := c.SetNotices(list); changed || err != nil {
		t.Errorf("same years again: changed %v, %v", changed, err)
	}
	if changed, err := c.SetNotices(nil); !changed || err != nil || c.Year("CN", 2028).Official {
		t.Errorf("no years: changed %v, %v, 2028 official %v", changed, err, c.Year("CN", 2028).Official)
	}
}

func TestNoticeFileErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"h.yaml", "2028:\n  - {date: 2028-01-01, workday: false, note: 元旦节}\n  - {date: 2028-01-01, workday: true, note: 元旦节}\n",
			[]string{`h.yaml:3: year "2028", entry 2: date 2028-01-01 is both a day off and a working day (see line 2)`}},
		{"h.yaml", "2028:\n  - {date: 2028-01-01, workday: false, note: 元旦节}\n  - {date: 2028-01-01, workday: false, note: 元旦节}\n",
			[]string{`h.yaml:3: year "2028", entry 2: date 2028-01-01 is already listed on line 2`}},
		{"h.yaml", "2028:\n  - {date: 2029-01-01, workday: false, note: 元旦节}\n  - {date: 2027-12-28, workday: false, note: 元旦节}\n  - {date: 2027-12-30, workday: false, note: 元旦节}\n",
			[]string{`h.yaml:2: year "2028", entry 1: date 2029-01-01 is outside 2028's notice (want 2027-12-29 to 2028-12-31)`,
				`h.yaml:3: year "2028", entry 2: date 2027-12-28 is outside`}},
		{"h.yaml", "2028:\n  - {date: 2028-01-01, workday: false, note: 元旦节}\n  - {date: 2028-01-04, workday: true, note: 元旦节}\n",
			[]string{`h.yaml:3: year "2028", entry 2: date 2028-01-04 is a Tuesday: a make-up working day`}},
		{"h.yaml", "2028:\n  - {date: 2028-01-01, workday: false}\n", []string{`h.yaml:2: year "2028", entry 1: field note is required`}},
		{"h.yaml", "2028:\n  - {date: 2028-01-01, workday: false, note: 元旦节}\n  - {date: 2028-02-05, workday: true, note: 春节}\n",
			[]string{`h.yaml:3: year 2028: make-up day 2028-02-05 belongs to "春节", which has no day off`}},
		{"h.yaml", "2028: []\n", []string{"h.yaml:1: year 2028 lists no day off"}},
		{"h.yaml", "next:\n  - {date: 2028-01-01, workday: false, note: 元旦节}\n", []string{`h.yaml:1: year "next": want a year such as 2027`}},
		{"h.yaml", "2028:\n  - {date: 2028-02-30, workday: false, note: x}\n  - {date: 2028-01-01, workday: maybe, note: 元旦节}\n",
			[]string{`h.yaml:2: year "2028", entry 1: field date: date "2028-02-30"`, `h.yaml:3: year "2028", entry 2: field workday: want true or false`}},
		{"h.json", "{\"2028\": [\n {\"date\": \"2028-01-01\", \"workday\": false, \"note\": \"元旦节\"},\n {\"date\": \"2028-01-01\", \"workday\": true, \"note\": \"元旦节\"}\n]}",
			[]string{`h.json:3: year "2028", entry 2: date 2028-01-01 is both a day off and a working day (see line 2)`}},
		{"h.txt", "", []string{`unknown format ".txt"`}},
	}
	for _, tt := range tests {
		_, err := ParseNotices(tt.name, []byte(tt.data))
		if err == nil {
			t.Errorf("%q: accepted", tt.data)
			continue
		}
		for _, want := range tt.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q: error lacks %q:\n%v", tt.data, want, err)
			}
		}
	}
}

// TestNoticeOverCompiledYear: a file that says what the compiled data says
// is accepted and changes nothing (an old file kept after an upgrade); one
// that differs is refused unless Replace is set, and then wins.
func TestNoticeOverCompiledYear(t *testing.T) {
	c := newCal(t, nil)
	compiled := c.Year("CN", 2027)
	same := Notice{Year: 2027, Holidays: compiled.Holidays, MakeupDays: compiled.MakeupDays, Source: "file h.yaml"}
	if changed, err := c.SetNotices([]Notice{same}); changed || err != nil {
		t.Errorf("2027 as compiled: changed %v, %v; want accepted, no change", changed, err)
	}
	if got := c.Year("CN", 2027).Data; got != lunarSource {
		t.Errorf("2027 data from %q, want the compiled %q", got, lunarSource)
	}
	moved := same
	moved.Holidays = append(moved.Holidays[:len(moved.Holidays):len(moved.Holidays)], Day{day(t, "2027-10-08"), "国庆节"})
	_, err := c.SetNotices([]Notice{moved})
	if err == nil || !strings.Contains(err.Error(), "year 2027 is already official") || !strings.Contains(err.Error(), "2027-10-08: compiled not listed, file day off, 国庆节") {
		t.Fatalf("differing 2027: %v; want refused naming 2027-10-08", err)
	}
	if ok, _ := c.IsWorkday("acme", "CN", day(t, "2027-10-08")); !ok {
		t.Error("a refused file changed the calendar")
	}
	moved.Replace = true
	moved.MakeupDays = moved.MakeupDays[:4] // and 10-09 no longer works
	if _, err := c.SetNotices([]Notice{moved}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		date string
		want bool
	}{{"2027-10-08", false}, {"2027-10-09", false}, {"2027-09-26", true}, {"2027-02-10", false}} {
		if ok, _ := c.IsWorkday("acme", "CN", day(t, tt.date)); ok != tt.want {
			t.Errorf("replaced 2027: IsWorkday(%s) = %v, want %v", tt.date, ok, tt.want)
		}
	}
}

func TestEncodeNoticeRoundTrip(t *testing.T) {
	list, err := LoadNotices("testdata/holidays_2028.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := EncodeNotice(list[0])
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseNotices("2028.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || !equalDays(back[0].Holidays, list[0].Holidays) || !equalDays(back[0].MakeupDays, list[0].MakeupDays) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, list)
	}
}
