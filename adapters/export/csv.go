package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/pipbot/pipbot/bot"
)

// bom starts every CSV: without it Excel reads UTF-8 as the system code
// page and shows Chinese as mojibake.
const bom = "\uFEFF"

// WriteCSV writes one table as CSV: UTF-8 with a byte-order mark, CRLF
// line ends, the header first; dates as 2006-01-02, times as
// 2006-01-02 15:04 (already in the reader's zone).
func WriteCSV(w io.Writer, t bot.Table) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write csv %s: %w", t.Name, err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(t.Header); err != nil {
		return fmt.Errorf("write csv %s: %w", t.Name, err)
	}
	rec := make([]string, 0, len(t.Header))
	for _, row := range t.Rows {
		rec = rec[:0]
		for _, c := range row {
			rec = append(rec, cellText(c))
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv %s: %w", t.Name, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv %s: %w", t.Name, err)
	}
	return nil
}

// cellText is a cell as CSV text.
func cellText(c bot.Cell) string {
	switch c.Kind {
	case bot.CellNumber:
		return strconv.FormatFloat(c.Number, 'f', -1, 64)
	case bot.CellDate:
		return c.Time.Format("2006-01-02")
	case bot.CellTime:
		return c.Time.Format("2006-01-02 15:04")
	}
	return c.Text
}
