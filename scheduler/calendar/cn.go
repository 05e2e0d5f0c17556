package calendar

import (
	"sort"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
	lunar "github.com/6tail/lunar-go/calendar"
)

// lunarSource is the module whose compiled-in tables carry the State
// Council notices (MIT licence), reported as the data source so that
// `pipbot calendar` says which release the binary shipped. A test holds it
// to go.mod: bumping lunar-go brings new years and must be looked at.
const lunarSource = "github.com/6tail/lunar-go v1.4.7"

// The years scanned for official entries. lunar-go's data starts on
// 2001-12-29 (the make-up day for 元旦 2002); 2100 is far past any notice
// a release could carry. Scanning a fixed range, not one around the clock,
// keeps a test clock from hiding data.
const scanFirst, scanLast = 2000, 2100

// yearEndFrom is the first December day that a following year's notice has
// ever changed (元旦 make-up days and days off run as early as 12-29, e.g.
// 2001-12-29, 2007-12-29, 2018-12-29). Those days stay provisional until
// the next year is published.
const yearEndFrom = 29

// official is one day of a published notice: a day off (Workday false) or
// a make-up working day (调休, Workday true), with the holiday it belongs to.
type official struct {
	Name    string // lunar-go's Chinese name: 春节, 国庆节, 国庆中秋 …
	Workday bool
	Target  Date // the holiday's main day; its year is the notice's year
}

// cnData is the Chinese calendar, built once by loadCN and read-only after.
type cnData struct {
	days     map[Date]official
	byYear   map[int][]Date // notice year → its dates, sorted
	source   string         // "github.com/6tail/lunar-go v1.4.7"
	firstOff int            // first and last official year, for logging
	lastOff  int
}

// loadCN copies lunar-go's official entries into our own maps. A year is
// official when at least one entry belongs to it (its target, the holiday's
// main day, falls in that year); lunar-go files a December make-up day under
// the next year's 元旦, and answers nil for an unpublished year just as it
// does for an ordinary day, hence the bookkeeping.
func loadCN() *cnData {
	cn := &cnData{days: map[Date]official{}, byYear: map[int][]Date{}, source: lunarSource}
	for y := scanFirst; y <= scanLast; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			day, err1 := ParseDate(h.GetDay())
			target, err2 := ParseDate(h.GetTarget())
			if err1 != nil || err2 != nil {
				continue // never seen in the data; skipping beats inventing a day
			}
			cn.days[day] = official{Name: h.GetName(), Workday: h.IsWork(), Target: target}
			cn.byYear[target.Year] = append(cn.byYear[target.Year], day)
		}
	}
	for y, ds := range cn.byYear {
		sort.Slice(ds, func(i, j int) bool { return ds[i].Compare(ds[j]) < 0 })
		if cn.firstOff == 0 || y < cn.firstOff {
			cn.firstOff = y
		}
		cn.lastOff = max(cn.lastOff, y)
	}
	return cn
}

// isOfficial reports whether year's notice is in the compiled data.
func (cn *cnData) isOfficial(year int) bool { return len(cn.byYear[year]) > 0 }

// isOfficial reports whether year's notice is compiled in or loaded.
func isOfficial(imp imported, cn *cnData, year int) bool {
	_, ok := imp.years[year]
	return ok || cn.isOfficial(year)
}

// provisional reports whether d's status may still change when a notice is
// published: its own year is not official, or it is one of the last days of
// December and the next year's notice (which may move them) is missing.
func provisional(imp imported, cn *cnData, d Date) bool {
	if !isOfficial(imp, cn, d.Year) {
		return true
	}
	return d.Month == time.December && d.Day >= yearEndFrom && !isOfficial(imp, cn, d.Year+1)
}

// statutoryDays are the days off fixed by law (全国年节及纪念日放假办法 as
// revised in 2024, in force from 2025) for a year whose notice is not
// published: 元旦 1 Jan; 春节 除夕 to 初三; 清明 on the solar term; 劳动节
// 1–2 May; 端午 lunar 5/5; 中秋 lunar 8/15; 国庆 1–3 Oct. Nothing else is
// assumed: no bridging, no make-up days, and no substitute day when a
// holiday falls on a weekend (the notice decides those). Where two holidays
// share a day the earlier in this list names it.
func statutoryDays(year int) map[Date]string {
	days := map[Date]string{}
	add := func(name string, from Date, n int) {
		for i := range n {
			if d := from.AddDays(i); days[d] == "" {
				days[d] = name
			}
		}
	}
	solar := func(s *lunar.Solar) Date { return Date{s.GetYear(), time.Month(s.GetMonth()), s.GetDay()} }

	add("元旦节", Date{year, time.January, 1}, 1)
	newYear := solar(lunar.NewLunarFromYmd(year, 1, 1).GetSolar()) // 正月初一
	add("春节", newYear.AddDays(-1), 4)                              // 除夕 is the day before 初一
	qingming := lunar.NewSolarFromYmd(year, 4, 1).GetLunar().GetJieQiTable()["清明"]
	add("清明节", solar(qingming), 1)
	add("劳动节", Date{year, time.May, 1}, 2)
	add("端午节", solar(lunar.NewLunarFromYmd(year, 5, 5).GetSolar()), 1)
	add("中秋节", solar(lunar.NewLunarFromYmd(year, 8, 15).GetSolar()), 1)
	add("国庆节", Date{year, time.October, 1}, 3)
	return days
}
