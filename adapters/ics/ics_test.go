package ics

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone data for %s: %v", name, err)
	}
	return loc
}

// interview is the invitation of one interview in Shanghai, the way the
// Slack adapter writes it, at version seq.
func interview(t *testing.T, seq int, method string, at time.Time) Event {
	sh := mustZone(t, "Asia/Shanghai")
	return Event{
		UID: "slack-T1-interview-7@pipbot", Sequence: seq, Method: method,
		Stamp: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC),
		Start: at, End: at.Add(50 * time.Minute), TZ: sh,
		Summary:     "面谈 Interview · 计划 Plan #12 · #1",
		Description: "议程：开场 5′ · 回顾 15′ · 共识 20′ · 总结 10′\nAgenda: opening 5′, review 15′, agreement 20′, summary 10′\n详情请在 pipbot 中发送「面谈 12」; details: send \"interview 12\" to pipbot.",
		Organizer:   Person{Name: "王经理 (Manager Wang)", Address: "urn:x-slack:T1:UMGR"},
		Attendees: []Person{
			{Name: "李雷", Address: "urn:x-slack:T1:UEMP"},
			{Name: "王经理 (Manager Wang)", Address: "urn:x-slack:T1:UMGR"},
			{Name: "HR: Zhang; \"Ops\"", Address: "urn:x-slack:T1:UHR"},
		},
	}
}

// TestGoldens writes the invitations of an interview booked, moved and
// cancelled, one in a zone with daylight saving time and one in UTC, and
// compares each with its file in testdata (-update rewrites them).
func TestGoldens(t *testing.T) {
	sh := mustZone(t, "Asia/Shanghai")
	ny := mustZone(t, "America/New_York")
	booked := time.Date(2026, 12, 3, 15, 0, 0, 0, sh)
	moved := time.Date(2026, 12, 4, 10, 0, 0, 0, sh)
	nyEvent := interview(t, 0, MethodRequest, time.Date(2026, 3, 9, 9, 30, 0, 0, ny))
	nyEvent.TZ = ny
	utcEvent := interview(t, 3, MethodRequest, booked)
	utcEvent.TZ = time.UTC
	cases := []struct {
		file string
		ev   Event
	}{
		{"booked.ics", interview(t, 0, MethodRequest, booked)},
		{"moved.ics", interview(t, 1, MethodRequest, moved)},
		{"cancelled.ics", interview(t, 2, MethodCancel, moved)},
		{"new_york_dst.ics", nyEvent},
		{"utc.ics", utcEvent},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, err := Encode(c.ev)
			if err != nil {
				t.Fatal(err)
			}
			checkWellFormed(t, got)
			path := filepath.Join("testdata", c.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file:\n%s", c.file, got)
			}
		})
	}
}

// checkWellFormed asserts the rules every .ics must keep: CRLF only, no
// line past 75 octets, no UTF-8 sequence split by a fold.
func checkWellFormed(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Error("the file does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, line)
		}
	}
}

// unfold undoes line folding and returns the content lines.
func unfold(b []byte) []string {
	s := strings.ReplaceAll(string(b), "\r\n ", "")
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}

// event is the content lines of the VEVENT alone.
func event(b []byte) []string {
	lines := unfold(b)
	for i, l := range lines {
		if l == "BEGIN:VEVENT" {
			return lines[i:]
		}
	}
	return nil
}

// prop is the first content line of name (up to ":" or ";").
func prop(lines []string, name string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, name+":") || strings.HasPrefix(l, name+";") {
			return l
		}
	}
	return ""
}

func TestVersionsKeepUIDAndRaiseSequence(t *testing.T) {
	sh := mustZone(t, "Asia/Shanghai")
	at := time.Date(2026, 12, 3, 15, 0, 0, 0, sh)
	var uids, seqs []string
	for i, m := range []string{MethodRequest, MethodRequest, MethodCancel} {
		b, err := Encode(interview(t, i, m, at.Add(time.Duration(i)*time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		lines := unfold(b)
		uids = append(uids, prop(lines, "UID"))
		seqs = append(seqs, prop(lines, "SEQUENCE"))
		if got, want := prop(lines, "METHOD"), "METHOD:"+m; got != want {
			t.Errorf("version %d: %q, want %q", i, got, want)
		}
		status := "STATUS:CONFIRMED"
		if m == MethodCancel {
			status = "STATUS:CANCELLED"
		}
		if got := prop(lines, "STATUS"); got != status {
			t.Errorf("version %d: %q, want %q", i, got, status)
		}
	}
	if uids[0] != uids[1] || uids[1] != uids[2] || uids[0] == "" {
		t.Errorf("UIDs differ between versions: %q", uids)
	}
	if want := []string{"SEQUENCE:0", "SEQUENCE:1", "SEQUENCE:2"}; strings.Join(seqs, ",") != strings.Join(want, ",") {
		t.Errorf("sequences %q, want %q", seqs, want)
	}
}

func TestTimesInTheirZone(t *testing.T) {
	sh := mustZone(t, "Asia/Shanghai")
	ev := interview(t, 0, MethodRequest, time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC).In(sh))
	b, _ := Encode(ev)
	lines := event(b)
	if got, want := prop(lines, "DTSTART"), "DTSTART;TZID=Asia/Shanghai:20261203T230000"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got, want := prop(lines, "DTEND"), "DTEND;TZID=Asia/Shanghai:20261203T235000"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got, want := prop(unfold(b), "TZOFFSETTO"), "TZOFFSETTO:+0800"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	ev.TZ = nil
	b, _ = Encode(ev)
	if got, want := prop(event(b), "DTSTART"), "DTSTART:20261203T150000Z"; got != want {
		t.Errorf("UTC: %q, want %q", got, want)
	}
	if bytes.Contains(b, []byte("VTIMEZONE")) {
		t.Error("a UTC invitation carries a VTIMEZONE")
	}
}

// TestDaylightSaving checks the VTIMEZONE of New York against the 2026
// rule: clocks go forward on 8 March at 02:00 and back on 1 November.
func TestDaylightSaving(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	ev := interview(t, 0, MethodRequest, time.Date(2026, 3, 9, 9, 30, 0, 0, ny))
	ev.TZ = ny
	b, _ := Encode(ev)
	s := strings.Join(unfold(b), "\n")
	for _, want := range []string{
		"BEGIN:DAYLIGHT\nDTSTART:20260308T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nTZNAME:EDT\nEND:DAYLIGHT",
		"BEGIN:STANDARD\nDTSTART:20261101T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST\nEND:STANDARD",
		"DTSTART;TZID=America/New_York:20260309T093000",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
}

func TestEscapingAndFolding(t *testing.T) {
	ev := interview(t, 0, MethodRequest, time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC))
	ev.Summary = `a,b;c\d` + "\n" + strings.Repeat("很长的标题", 20)
	b, err := Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, b)
	got := prop(unfold(b), "SUMMARY")
	want := `SUMMARY:a\,b\;c\\d\n` + strings.Repeat("很长的标题", 20)
	if got != want {
		t.Errorf("%q\nwant %q", got, want)
	}
	if got, want := prop(unfold(b), "ATTENDEE;CN=\"HR"), `ATTENDEE;CN="HR: Zhang; 'Ops'";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:urn:x-slack:T1:UHR`; got != want {
		t.Errorf("%q\nwant %q", got, want)
	}
}

func TestRefusesBrokenEvents(t *testing.T) {
	ev := interview(t, 0, MethodRequest, time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC))
	for name, broken := range map[string]func(*Event){
		"no uid":       func(e *Event) { e.UID = "" },
		"end first":    func(e *Event) { e.End = e.Start },
		"other method": func(e *Event) { e.Method = "PUBLISH" },
	} {
		e := ev
		broken(&e)
		if _, err := Encode(e); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
}
