package export

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/pipbot/pipbot/bot"
)

// Number formats of date cells: real dates (serial numbers) that Excel,
// WPS and LibreOffice show as dates and sort and filter as dates.
const (
	fmtDate = "yyyy-mm-dd"
	fmtTime = "yyyy-mm-dd hh:mm"
)

// styles are the workbook's cell styles.
type styles struct{ header, text, date, time int }

// WriteXLSX writes tables as one workbook, a sheet per table in order,
// each with a bold frozen header row. Sheets are streamed, so ten
// thousand plans do not sit in memory twice.
func WriteXLSX(w io.Writer, tables []bot.Table) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, t := range tables {
		name := sheetName(t.Name, i)
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("write xlsx: sheet %d: %w", i+1, err)
		}
		if err := writeSheet(f, name, t, st); err != nil {
			return err
		}
	}
	if len(tables) == 0 {
		return fmt.Errorf("write xlsx: no tables")
	}
	// The first sheet is already the active one; SetActiveSheet would read
	// every streamed sheet back into memory.
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// newStyles registers the header, wrapped-text and date styles.
func newStyles(f *excelize.File) (styles, error) {
	var st styles
	var err error
	wrap := &excelize.Alignment{WrapText: true, Vertical: "top"}
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: wrap,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}); err != nil {
		return st, fmt.Errorf("write xlsx: header style: %w", err)
	}
	if st.text, err = f.NewStyle(&excelize.Style{Alignment: wrap}); err != nil {
		return st, fmt.Errorf("write xlsx: text style: %w", err)
	}
	df, tf := fmtDate, fmtTime
	if st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &df, Alignment: wrap}); err != nil {
		return st, fmt.Errorf("write xlsx: date style: %w", err)
	}
	if st.time, err = f.NewStyle(&excelize.Style{CustomNumFmt: &tf, Alignment: wrap}); err != nil {
		return st, fmt.Errorf("write xlsx: time style: %w", err)
	}
	return st, nil
}

// writeSheet streams one table into sheet name.
func writeSheet(f *excelize.File, name string, t bot.Table, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("write xlsx %s: %w", name, err)
	}
	// The stream writer puts each width before the ones set earlier; set
	// them last column first so <cols> is in ascending order, as Excel
	// expects.
	wd := widths(t)
	for i := len(wd) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, wd[i]); err != nil {
			return fmt.Errorf("write xlsx %s: width: %w", name, err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("write xlsx %s: panes: %w", name, err)
	}
	head := make([]any, len(t.Header))
	for i, h := range t.Header {
		head[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("write xlsx %s: header: %w", name, err)
	}
	row := make([]any, 0, len(t.Header))
	for r, cells := range t.Rows {
		row = row[:0]
		for _, c := range cells {
			row = append(row, xlsxCell(c, st))
		}
		ref, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(ref, row); err != nil {
			return fmt.Errorf("write xlsx %s: row %d: %w", name, r+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write xlsx %s: %w", name, err)
	}
	return nil
}

// xlsxCell is one typed cell: numbers as numbers, dates and times as date
// serials with their number format, empty cells as nothing.
func xlsxCell(c bot.Cell, st styles) any {
	switch c.Kind {
	case bot.CellNumber:
		return excelize.Cell{Value: c.Number}
	case bot.CellDate:
		return excelize.Cell{StyleID: st.date, Value: c.Time}
	case bot.CellTime:
		return excelize.Cell{StyleID: st.time, Value: c.Time}
	}
	if c.Text == "" {
		return nil
	}
	return excelize.Cell{StyleID: st.text, Value: c.Text}
}

// widths sizes each column to its longest line (a CJK character counts
// double), between 8 and 60 characters.
func widths(t bot.Table) []float64 {
	out := make([]float64, len(t.Header))
	see := func(i int, s string) {
		for _, line := range strings.Split(s, "\n") {
			n := 0.0
			for _, r := range line {
				n++
				if utf8.RuneLen(r) > 1 {
					n++
				}
			}
			out[i] = max(out[i], n+2)
		}
	}
	for i, h := range t.Header {
		see(i, h)
	}
	for _, row := range t.Rows[:min(len(t.Rows), 200)] {
		for i, c := range row {
			if i < len(out) {
				switch c.Kind {
				case bot.CellText:
					see(i, c.Text)
				case bot.CellDate, bot.CellTime:
					see(i, "2006-01-02 15:04")
				}
			}
		}
	}
	for i := range out {
		out[i] = min(max(out[i], 8), 60)
	}
	return out
}

// sheetName is a valid sheet name: at most 31 characters, none of []:*?/\.
func sheetName(s string, i int) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		s = fmt.Sprintf("Sheet%d", i+1)
	}
	return s
}
