package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pipbot/pipbot/bot"
)

// checkWorkbook opens an exported workbook of plan p, in Chinese, and
// checks it cell by cell against the plan: the sheets the reader may see
// in the template's order, the gap's numbers as numbers, each action's
// row, each goal's deadline as a real date cell; with the tracking log,
// its note. It returns the workbook's text, every cell, for more checks.
func checkWorkbook(t *testing.T, data []byte, p *bot.Plan, tracking bool, note string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	want := []string{"绩效差距分析表", "绩效改进行动计划表", "绩效改进跟踪日志", "绩效改进效果评估表", "面谈效果评估表", "绩效改进策略落地执行表"}
	if !tracking {
		want = append(want[:2:2], want[3:]...)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	cell := func(sheet, ref string) string {
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatalf("%s!%s: %v", sheet, ref, err)
		}
		return v
	}
	raw := func(sheet, ref string) string {
		v, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		return v
	}
	pr := p.Ranked()[0]
	if cell("绩效差距分析表", "C2") != pr.Gap.Metric || raw("绩效差距分析表", "D2") != strconv.FormatFloat(pr.Gap.Target, 'f', -1, 64) ||
		raw("绩效差距分析表", "F2") != strconv.FormatFloat(pr.Gap.Size(), 'f', -1, 64) {
		t.Errorf("gap row = %q %q %q, want %s %v %v", cell("绩效差距分析表", "C2"), raw("绩效差距分析表", "D2"), raw("绩效差距分析表", "F2"), pr.Gap.Metric, pr.Gap.Target, pr.Gap.Size())
	}
	for i, a := range p.Actions {
		row := strconv.Itoa(i + 2)
		if cell("绩效改进行动计划表", "A"+row) != strconv.Itoa(a.No) || cell("绩效改进行动计划表", "B"+row) != a.What ||
			cell("绩效改进行动计划表", "D"+row) != a.When.String(bot.LocaleZH) || cell("绩效改进行动计划表", "H"+row) != "未开始" {
			t.Errorf("action row %s does not match action %+v", row, a)
		}
		if cell("绩效改进策略落地执行表", "D"+row) != a.What {
			t.Errorf("execution row %s: %q, want %q", row, cell("绩效改进策略落地执行表", "D"+row), a.What)
		}
	}
	g := p.Goals[0]
	if got := cell("绩效改进效果评估表", "H2"); got != g.Deadline.Format("2006-01-02") {
		t.Errorf("the goal's deadline shows %q, want %s", got, g.Deadline.Format("2006-01-02"))
	}
	id, _ := f.GetCellStyle("绩效改进效果评估表", "H2")
	if st, _ := f.GetStyle(id); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("the deadline is not a date cell: style %+v", st)
	}
	if _, err := strconv.ParseFloat(raw("绩效改进效果评估表", "H2"), 64); err != nil {
		t.Errorf("the deadline is stored as %q, not a date serial", raw("绩效改进效果评估表", "H2"))
	}
	var all strings.Builder
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for _, r := range rows {
			all.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	if tracking && note != "" && !strings.Contains(all.String(), note) {
		t.Errorf("the tracking log lacks %q", note)
	}
	return all.String()
}
