package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pipbot/pipbot/adapters/export"
	"github.com/pipbot/pipbot/bot"
)

// sample is two small tables with Chinese text, numbers, a date and a time.
func sample() *bot.Attachment {
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 11, 16, 17, 30, 0, 0, time.UTC)
	return &bot.Attachment{Name: "绩效改进计划-12", Format: bot.FormatXLSX, Tables: []bot.Table{
		{Name: "绩效改进行动计划表", Header: []string{"序号", "行动措施", "截止日期", "完成状态"}, Rows: [][]bot.Cell{
			{bot.NumberCell(1), bot.TextCell("每周五17:00前更新拜访记录"), {}, bot.TextCell("进行中")},
			{bot.NumberCell(2), bot.TextCell("产品培训, \"考核≥90分\"\n第二行"), bot.DateCell(due), bot.TextCell("未开始")},
		}},
		{Name: "绩效改进跟踪日志", Header: []string{"时间", "内容"}, Rows: [][]bot.Cell{
			{{Kind: bot.CellTime, Time: at}, bot.TextCell("本周完成3次客户模拟沟通")},
		}},
	}}
}

func workbook(t *testing.T, a *bot.Attachment) ([]byte, *excelize.File) {
	t.Helper()
	files, err := export.Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Name != "绩效改进计划-12.xlsx" || files[0].MIME != export.MIMEXLSX {
		t.Fatalf("files = %+v", files)
	}
	f, err := excelize.OpenReader(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return files[0].Data, f
}

// TestXLSXReadBack: excelize reads back every cell: the sheets in order
// with their Chinese names, text as text, numbers as numbers, the date and
// the time as date serials shown through their number format.
func TestXLSXReadBack(t *testing.T) {
	_, f := workbook(t, sample())
	if got := strings.Join(f.GetSheetList(), ","); got != "绩效改进行动计划表,绩效改进跟踪日志" {
		t.Fatalf("sheets = %s", got)
	}
	rows, err := f.GetRows("绩效改进行动计划表")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"序号", "行动措施", "截止日期", "完成状态"},
		{"1", "每周五17:00前更新拜访记录", "", "进行中"},
		{"2", "产品培训, \"考核≥90分\"\n第二行", "2026-12-31", "未开始"}}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	// A number cell has no t attribute (excelize reports it unset); text is
	// a string cell.
	for cell, text := range map[string]bool{"A2": false, "C3": false, "B2": true} {
		got, _ := f.GetCellType("绩效改进行动计划表", cell)
		isText := got == excelize.CellTypeInlineString || got == excelize.CellTypeSharedString
		if isText != text || (!text && got != excelize.CellTypeUnset && got != excelize.CellTypeNumber) {
			t.Errorf("%s is of type %v", cell, got)
		}
	}
	raw, _ := f.GetCellValue("绩效改进行动计划表", "C3", excelize.Options{RawCellValue: true})
	if raw != "46387" { // 2026-12-31 as an Excel serial day
		t.Errorf("the due date is stored as %q, want the serial 46387", raw)
	}
	id, _ := f.GetCellStyle("绩效改进行动计划表", "C3")
	st, _ := f.GetStyle(id)
	if st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("the due date's style = %+v, want the number format yyyy-mm-dd", st)
	}
	if v, _ := f.GetCellValue("绩效改进跟踪日志", "A2"); v != "2026-11-16 17:30" {
		t.Errorf("the tracking time reads %q", v)
	}
	if raw, _ := f.GetCellValue("绩效改进跟踪日志", "A2", excelize.Options{RawCellValue: true}); !strings.HasPrefix(raw, "46342.72916") {
		t.Errorf("the tracking time is stored as %q, want a serial 46342.729…", raw)
	}
}

// TestXLSXSheetXML: the package is what Excel, WPS and LibreOffice read:
// the workbook names the sheets, a date cell is a number (no t attribute)
// with a style whose numFmt is a date code, Chinese text is stored as UTF-8.
func TestXLSXSheetXML(t *testing.T) {
	data, _ := workbook(t, sample())
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	part := func(name string) string {
		for _, f := range z.File {
			if f.Name == name {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				return string(b)
			}
		}
		return ""
	}
	wb := part("xl/workbook.xml")
	if wb == "" {
		t.Fatal("the package has no workbook.xml")
	}
	if !strings.Contains(wb, `name="绩效改进行动计划表"`) || !strings.Contains(wb, `name="绩效改进跟踪日志"`) {
		t.Errorf("workbook.xml does not name the sheets:\n%s", wb)
	}
	sheet := part("xl/worksheets/sheet1.xml")
	m := regexp.MustCompile(`<c r="C3"( s="(\d+)")?( t="[a-z]+")?><v>([^<]*)</v></c>`).FindStringSubmatch(sheet)
	if m == nil || m[3] != "" || m[4] != "46387" || m[2] == "" {
		t.Fatalf("C3 is not a styled number cell: %q\n%s", m, sheet)
	}
	styles := part("xl/styles.xml")
	if !strings.Contains(styles, `formatCode="yyyy-mm-dd"`) || !strings.Contains(styles, `formatCode="yyyy-mm-dd hh:mm"`) {
		t.Errorf("styles.xml lacks the date formats:\n%s", styles)
	}
	if !strings.Contains(sheet+part("xl/sharedStrings.xml"), "每周五17:00前更新拜访记录") {
		t.Error("the Chinese text is not stored as UTF-8")
	}
	if !regexp.MustCompile(`<pane [^>]*state="frozen"[^>]*ySplit="1"`).MatchString(sheet) {
		t.Error("the header row is not frozen")
	}
	if i, j := strings.Index(sheet, `<col min="1"`), strings.Index(sheet, `<col min="4"`); i < 0 || j < i {
		t.Errorf("<cols> is not in ascending order:\n%s", sheet)
	}
}

// TestCSV: one file per table, UTF-8 with a byte-order mark and CRLF,
// quoting what needs it, dates as ISO dates.
func TestCSV(t *testing.T) {
	a := sample()
	a.Format = bot.FormatCSV
	files, err := export.Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "绩效改进计划-12-绩效改进行动计划表.csv" || files[1].MIME != export.MIMECSV {
		t.Fatalf("files = %+v", files)
	}
	data := files[0].Data
	if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no byte-order mark: % x", data[:3])
	}
	if !bytes.Contains(data, []byte("序号,行动措施,截止日期,完成状态\r\n")) {
		t.Errorf("header line missing or not CRLF:\n%q", data)
	}
	recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[2]; got[1] != "产品培训, \"考核≥90分\"\n第二行" || got[2] != "2026-12-31" || got[0] != "2" {
		t.Errorf("row 2 = %q", got)
	}
	if got := string(files[1].Data[3:]); got != "时间,内容\r\n2026-11-16 17:30,本周完成3次客户模拟沟通\r\n" {
		t.Errorf("tracking csv = %q", got)
	}
}

// TestNames: sheet and file names the formats refuse are made safe.
func TestNames(t *testing.T) {
	a := &bot.Attachment{Name: "a/b:c", Format: bot.FormatXLSX, Tables: []bot.Table{{Name: "x[1]:y/z*?" + strings.Repeat("长", 40), Header: []string{"h"}}}}
	files, err := export.Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	if files[0].Name != "a_b_c.xlsx" {
		t.Errorf("file name %q", files[0].Name)
	}
	f, err := excelize.OpenReader(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := []rune(f.GetSheetList()[0]); len(n) != 31 || strings.ContainsAny(string(n), "[]:/*?") {
		t.Errorf("sheet name %q", string(n))
	}
	if _, err := export.Encode(&bot.Attachment{Format: "pdf"}); err == nil {
		t.Error("an unknown format was encoded")
	}
}
