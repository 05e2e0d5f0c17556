package calendar

import (
	"fmt"
	"io"
	"strings"
)

// Print writes the year as `pipbot calendar 2026` shows it, in Chinese
// ("zh", "zh-CN" …) or English ("en" …): official or provisional (with the
// warning), each holiday period with its dates and number of days off, and
// each make-up working day, so an admin can check it against the notice.
func (c *Calendar) Print(w io.Writer, region string, year int, locale string) error {
	if !isZH(locale) && !strings.HasPrefix(strings.ToLower(locale), "en") {
		return fmt.Errorf("print calendar %d: unsupported locale %q (want zh or en)", year, locale)
	}
	t := func(zh, en string) string {
		if isZH(locale) {
			return zh
		}
		return en
	}
	var b strings.Builder
	reg := strings.ToUpper(strings.TrimSpace(region))
	if reg == "" {
		reg = RegionCN
	}
	fmt.Fprintf(&b, t("%d 年工作日历（地区 %s）\n", "%d working-day calendar (region %s)\n"), year, reg)
	if !isCN(region) {
		b.WriteString(t("规则：周六、周日休息；不含公共假日，请用租户覆盖设置添加。\n",
			"Rule: Saturday and Sunday off; no public holidays built in, add them as tenant overrides.\n"))
		_, err := io.WriteString(w, b.String())
		return err
	}

	info := c.Year(region, year)
	if info.Official {
		b.WriteString(t("状态：正式（国务院办公厅通知）\n", "Status: official (State Council notice)\n"))
		fmt.Fprintf(&b, t("数据：%s\n", "Data: %s\n"), info.Data)
	} else {
		fmt.Fprintf(&b, t("状态：暂定。%s\n", "Status: provisional. %s\n"), UnpublishedWarning(year, locale))
		fmt.Fprintf(&b, t("数据：法定节假日（全国年节及纪念日放假办法），农历与节气按 %s 计算\n",
			"Data: statutory holidays (全国年节及纪念日放假办法), lunar dates and solar terms from %s\n"), c.cn.source)
		b.WriteString(t("未计入：调休上班日、连休安排、节日逢周末的补假，以正式通知为准。\n",
			"Not assumed: make-up days, bridging days, weekday substitutes for holidays on a weekend; the notice decides.\n"))
	}

	type row struct{ name, span, count string }
	var rows []row
	nameW, spanW := 0, 0
	for _, p := range groupPeriods(info.Holidays) {
		r := row{name: HolidayName(p.name, locale), span: dayLabel(p.from, locale)}
		if p.days > 1 {
			r.span += t(" 至 ", " – ") + dayLabel(p.to, locale)
		}
		r.count = fmt.Sprintf(t("%d 天", "%d days"), p.days)
		if p.days == 1 && !isZH(locale) {
			r.count = "1 day"
		}
		nameW, spanW = max(nameW, width(r.name)), max(spanW, width(r.span))
		rows = append(rows, r)
	}
	fmt.Fprintf(&b, t("\n放假（共 %d 天）\n", "\nDays off (%d in total)\n"), len(info.Holidays))
	for _, r := range rows {
		fmt.Fprintf(&b, "  %s  %s  %s\n", pad(r.name, nameW), pad(r.span, spanW), r.count)
	}
	if len(info.MakeupDays) == 0 {
		b.WriteString(t("\n调休上班：无\n", "\nMake-up working days: none\n"))
	} else {
		fmt.Fprintf(&b, t("\n调休上班（共 %d 天）\n", "\nMake-up working days (%d)\n"), len(info.MakeupDays))
		for _, d := range info.MakeupDays {
			fmt.Fprintf(&b, "  %s  %s\n", dayLabel(d.Date, locale), HolidayName(d.Name, locale))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// period is a run of consecutive days off for one holiday.
type period struct {
	name     string
	from, to Date
	days     int
}

// groupPeriods joins consecutive days of the same holiday into periods.
func groupPeriods(days []Day) []period {
	var out []period
	for _, d := range days {
		if n := len(out); n > 0 && out[n-1].name == d.Name && out[n-1].to.AddDays(1) == d.Date {
			out[n-1].to = d.Date
			out[n-1].days++
			continue
		}
		out = append(out, period{name: d.Name, from: d.Date, to: d.Date, days: 1})
	}
	return out
}

// dayLabel shows a date with its weekday: "2026-01-04（周日）" or "Sun 2026-01-04".
func dayLabel(d Date, locale string) string {
	if isZH(locale) {
		return fmt.Sprintf("%s（周%s）", d, string([]rune("日一二三四五六")[d.Weekday()]))
	}
	return d.Weekday().String()[:3] + " " + d.String()
}

// isZH reports whether locale asks for Chinese.
func isZH(locale string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(locale)), "zh")
}

// width is s's width in a terminal: CJK and full-width forms take two
// columns, which text/tabwriter does not know.
func width(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x2E80 && r <= 0xFFEF {
			n++
		}
	}
	return n
}

// pad right-fills s with spaces to n terminal columns.
func pad(s string, n int) string {
	if w := width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}
