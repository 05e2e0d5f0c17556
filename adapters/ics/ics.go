// Package ics writes calendar invitations as iCalendar files (RFC 5545,
// with the iTIP methods of RFC 5546), for platforms that have no calendar
// API: a Slack DM carries an interview's .ics. It knows the format only;
// what an invitation says is decided by the engine.
package ics

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// iTIP methods an invitation is sent with.
const (
	MethodRequest = "REQUEST" // a new or changed event
	MethodCancel  = "CANCEL"  // the event is cancelled
)

// MIME is the content type of an invitation file.
const MIME = "text/calendar; charset=utf-8"

// Person is an organizer or attendee: a display name and a calendar
// address (a URI, e.g. "mailto:a@example.com").
type Person struct {
	Name    string
	Address string
}

// Event is one invitation. UID stays the same across every version of the
// event; Sequence grows with each change, so a calendar replaces what it
// holds with the newest version and applies a cancel to it.
type Event struct {
	UID      string
	Sequence int
	Method   string    // MethodRequest or MethodCancel
	Stamp    time.Time // when this version was made (DTSTAMP)
	Start    time.Time
	End      time.Time
	// TZ is the zone the times are written in (TZID with its VTIMEZONE);
	// nil or UTC writes UTC times ("Z").
	TZ          *time.Location
	Summary     string
	Description string
	Organizer   Person
	Attendees   []Person
}

// Encode is the invitation as the bytes of an .ics file.
func Encode(ev Event) ([]byte, error) {
	var buf bytes.Buffer
	if err := Write(&buf, ev); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes ev as one VCALENDAR: CRLF line ends, lines folded at 75
// octets, text escaped.
func Write(w io.Writer, ev Event) error {
	if ev.UID == "" || ev.Start.IsZero() || !ev.End.After(ev.Start) {
		return fmt.Errorf("write ics: an event needs a UID and an end after its start")
	}
	if ev.Method != MethodRequest && ev.Method != MethodCancel {
		return fmt.Errorf("write ics: unknown method %q", ev.Method)
	}
	lw := &lineWriter{w: w}
	lw.line("BEGIN:VCALENDAR")
	lw.line("VERSION:2.0")
	lw.line("PRODID:-//pipbot//interview invitation//EN")
	lw.line("CALSCALE:GREGORIAN")
	lw.line("METHOD:" + ev.Method)
	zoned := ev.TZ != nil && ev.TZ != time.UTC && ev.TZ.String() != "UTC"
	if zoned {
		writeTimezone(lw, ev.TZ, ev.Start, ev.End)
	}
	lw.line("BEGIN:VEVENT")
	lw.line("UID:" + escapeText(ev.UID))
	lw.line(fmt.Sprintf("SEQUENCE:%d", ev.Sequence))
	lw.line("DTSTAMP:" + utc(ev.Stamp))
	if zoned {
		id := paramValue(ev.TZ.String())
		lw.line("DTSTART;TZID=" + id + ":" + local(ev.Start.In(ev.TZ)))
		lw.line("DTEND;TZID=" + id + ":" + local(ev.End.In(ev.TZ)))
	} else {
		lw.line("DTSTART:" + utc(ev.Start))
		lw.line("DTEND:" + utc(ev.End))
	}
	lw.line("SUMMARY:" + escapeText(ev.Summary))
	if ev.Description != "" {
		lw.line("DESCRIPTION:" + escapeText(ev.Description))
	}
	if ev.Organizer.Address != "" {
		lw.line("ORGANIZER" + cn(ev.Organizer.Name) + ":" + ev.Organizer.Address)
	}
	partstat := ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"
	if ev.Method == MethodCancel {
		partstat = ";ROLE=REQ-PARTICIPANT"
	}
	for _, a := range ev.Attendees {
		if a.Address != "" {
			lw.line("ATTENDEE" + cn(a.Name) + partstat + ":" + a.Address)
		}
	}
	lw.line("CLASS:PRIVATE")
	lw.line("TRANSP:OPAQUE")
	if ev.Method == MethodCancel {
		lw.line("STATUS:CANCELLED")
	} else {
		lw.line("STATUS:CONFIRMED")
	}
	lw.line("END:VEVENT")
	lw.line("END:VCALENDAR")
	return lw.err
}

// utc is t as a UTC DATE-TIME ("20261203T070000Z").
func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// local is t's wall clock as a DATE-TIME with no zone ("20261203T150000").
func local(t time.Time) string { return t.Format("20060102T150405") }

// cn is the CN parameter for a name, or nothing for none.
func cn(name string) string {
	if name == "" {
		return ""
	}
	return ";CN=" + paramValue(name)
}

// paramValue is a parameter value: quoted when it holds ":", ";" or ",";
// a double quote, which no parameter value may hold, becomes a single one,
// and control characters become spaces.
func paramValue(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, s)
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}

// escapeText escapes a TEXT value: backslash, semicolon, comma and line
// breaks (written "\n").
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n':
			b.WriteString(`\n`)
		default:
			if r < 0x20 && r != '\t' || r == 0x7f {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxLine is the longest a content line may be, in octets, CRLF excluded.
const maxLine = 75

// lineWriter writes content lines, folded and ended with CRLF.
type lineWriter struct {
	w   io.Writer
	err error
}

// line writes one content line, folding it so no line passes 75 octets:
// a continuation starts with a space, and a UTF-8 sequence is never split.
func (lw *lineWriter) line(s string) {
	if lw.err != nil {
		return
	}
	var b strings.Builder
	room := maxLine
	for len(s) > 0 {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > room {
				break
			}
			n += size
		}
		b.WriteString(s[:n])
		b.WriteString("\r\n")
		s = s[n:]
		if len(s) > 0 {
			b.WriteString(" ")
			room = maxLine - 1
		}
	}
	_, lw.err = io.WriteString(lw.w, b.String())
}
