package ics

import (
	"fmt"
	"time"
)

// Go's time.Location does not list its transitions, so the VTIMEZONE is
// built by looking: the zone's offset is probed day by day from the first
// of January of the year before the event to a year after it, and each
// change is narrowed down to the second. Every observance is written as a
// one-off (DTSTART, no RRULE), which RFC 5545 allows and every client
// reads; the definition covers the event and a year either side, enough
// for a calendar that shows the event or a later move of it.

// transition is a change of offset at an instant.
type transition struct {
	at       time.Time
	from, to int // seconds east of UTC
	dst      bool
	name     string
}

// writeTimezone writes the VTIMEZONE of loc around [start, end].
func writeTimezone(lw *lineWriter, loc *time.Location, start, end time.Time) {
	from := time.Date(start.In(loc).Year()-1, time.January, 1, 0, 0, 0, 0, loc)
	until := end.AddDate(1, 0, 0)
	name, off := from.Zone()
	trs := []transition{{at: from, from: off, to: off, dst: from.IsDST(), name: name}}
	prev := from
	for t := from.AddDate(0, 0, 1); !prev.After(until); t = t.AddDate(0, 0, 1) {
		if _, o := t.Zone(); o != off {
			at := narrow(prev, t, off)
			n, o := at.Zone()
			trs = append(trs, transition{at: at, from: off, to: o, dst: at.IsDST(), name: n})
			off = o
		}
		prev = t
	}
	lw.line("BEGIN:VTIMEZONE")
	lw.line("TZID:" + paramValue(loc.String()))
	for _, tr := range trs {
		kind := "STANDARD"
		if tr.dst {
			kind = "DAYLIGHT"
		}
		lw.line("BEGIN:" + kind)
		// DTSTART is the local time of the instant in the offset before it.
		lw.line("DTSTART:" + local(tr.at.In(time.FixedZone("", tr.from))))
		lw.line("TZOFFSETFROM:" + offset(tr.from))
		lw.line("TZOFFSETTO:" + offset(tr.to))
		if tr.name != "" && tr.name[0] != '+' && tr.name[0] != '-' {
			lw.line("TZNAME:" + escapeText(tr.name))
		}
		lw.line("END:" + kind)
	}
	lw.line("END:VTIMEZONE")
}

// narrow finds the first second in (a, b] whose offset is not off.
func narrow(a, b time.Time, off int) time.Time {
	for b.Sub(a) > time.Second {
		mid := a.Add(b.Sub(a) / 2).Truncate(time.Second)
		if mid.Equal(a) {
			break
		}
		if _, o := mid.Zone(); o == off {
			a = mid
		} else {
			b = mid
		}
	}
	return b
}

// offset is a UTC-OFFSET: "+0800", "-0430", "+053000" with seconds.
func offset(secs int) string {
	sign := "+"
	if secs < 0 {
		sign, secs = "-", -secs
	}
	h, m, s := secs/3600, secs%3600/60, secs%60
	if s != 0 {
		return fmt.Sprintf("%s%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%s%02d%02d", sign, h, m)
}
