package calendar

import (
	"fmt"
	"slices"
	"time"
)

// YearInfo is one year's calendar for a region, as `pipbot calendar` shows
// it and as an admin checks it against the notice.
type YearInfo struct {
	Year int
	// Official is true when the year's State Council notice is in the
	// compiled data or loaded from a holiday file.
	// It is false for a CN year not yet published (the days are then the
	// statutory holidays only, and provisional) and for every other region,
	// which has no official calendar here, only the weekend rule.
	Official bool
	// Holidays are the days off, sorted. For an official year these are the
	// notice's days, which may begin in the previous December (元旦 2024 was
	// 2023-12-30 to 2024-01-01) and include the weekends inside a period.
	Holidays []Day
	// MakeupDays are the notice's weekend working days (调休); never
	// invented for a provisional year.
	MakeupDays []Day
	// Source names where the days come from.
	Source string
	// Data is the release or file the days were read from, as `pipbot
	// calendar` shows it: "github.com/6tail/lunar-go v1.4.7", "file
	// holidays-2028.yaml".
	Data string
}

// Day is a dated holiday or make-up day, Name being the holiday it belongs
// to, in Chinese as in the notices (see HolidayName).
type Day struct {
	Date Date
	Name string
}

// Year describes region's calendar for year. Tenant overrides are not
// included; see Overrides.
func (c *Calendar) Year(region string, year int) YearInfo {
	if !isCN(region) {
		return YearInfo{Year: year, Source: "weekend rule: Saturday and Sunday off, no built-in public holidays"}
	}
	c.mu.RLock()
	n, loaded := c.imp.years[year]
	c.mu.RUnlock()
	if loaded {
		return YearInfo{Year: year, Official: true, Holidays: n.Holidays, MakeupDays: n.MakeupDays,
			Source: "State Council notice (国务院办公厅通知), loaded from " + n.Source, Data: n.Source}
	}
	info := YearInfo{Year: year, Official: c.cn.isOfficial(year)}
	if info.Official {
		n := c.compiledYear(year)
		info.Holidays, info.MakeupDays = n.Holidays, n.MakeupDays
		info.Source = "State Council notice (国务院办公厅通知), data from " + c.cn.source
		info.Data = c.cn.source
		return info
	}
	info.Source = "statutory holidays (全国年节及纪念日放假办法), lunar dates from " + c.cn.source
	info.Data = c.cn.source
	for d, name := range c.statutoryYear(year) {
		info.Holidays = append(info.Holidays, Day{d, name})
	}
	slices.SortFunc(info.Holidays, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return info
}

// warnFrom is the day from which a missing next-year notice is worth a
// warning: notices have come out between late October and early December
// (2023-10-25 to 2022-12-09), and reminders are planned weeks ahead.
const warnFromMonth, warnFromDay = time.October, 15

// Unpublished lists the CN years admins must be warned about at now: the
// current year without a notice, and from 15 October next year without
// one. A year is published once compiled in or loaded from a holiday file.
func (c *Calendar) Unpublished(now time.Time) []int {
	c.mu.RLock()
	imp := c.imp
	c.mu.RUnlock()
	today := DateOf(now)
	var years []int
	if !isOfficial(imp, c.cn, today.Year) {
		years = append(years, today.Year)
	}
	from := Date{today.Year, warnFromMonth, warnFromDay}
	if today.Compare(from) >= 0 && !isOfficial(imp, c.cn, today.Year+1) {
		years = append(years, today.Year+1)
	}
	return years
}

// Warnings is Unpublished as sentences, in English, for the server's log
// and the pipbot_calendar_warnings gauge; they disappear once the notice
// is compiled in or loaded from a holiday file.
func (c *Calendar) Warnings(now time.Time) []string {
	var out []string
	for _, y := range c.Unpublished(now) {
		out = append(out, UnpublishedWarning(y, "en"))
	}
	return out
}

// UnpublishedWarning is the one sentence shown for a year without a notice,
// in locale ("zh" or English).
func UnpublishedWarning(year int, locale string) string {
	if isZH(locale) {
		return fmt.Sprintf("%d 年节假日安排尚未发布；暂按法定节假日和周一至周五计算，结果为暂定", year)
	}
	return fmt.Sprintf("%d working-day calendar not yet published; using statutory holidays and Mon–Fri, provisional", year)
}

// HolidayName is a holiday's name (as in Info.Name or Day.Name) in locale:
// unchanged for "zh", English otherwise, so a reminder can say why it moved.
func HolidayName(name, locale string) string {
	if isZH(locale) {
		return name
	}
	switch name {
	case "元旦节":
		return "New Year's Day"
	case "春节":
		return "Spring Festival"
	case "清明节":
		return "Qingming Festival"
	case "劳动节":
		return "Labour Day"
	case "端午节":
		return "Dragon Boat Festival"
	case "中秋节":
		return "Mid-Autumn Festival"
	case "国庆节":
		return "National Day"
	case "国庆中秋":
		return "National Day and Mid-Autumn Festival"
	case "抗战胜利日":
		return "Victory Day"
	}
	return name
}
