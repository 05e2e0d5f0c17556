package bot

import "time"

// An export is tables, decided and filled by the engine and encoded by an
// adapter (xlsx or CSV): the engine knows what each cell is, never how a
// file format writes it.

// CellKind is what a table cell holds.
type CellKind uint8

// Cell kinds. A date is a calendar day; a time is an instant already
// moved into the reader's time zone; encoders write both as real date
// cells with a number format, not as text.
const (
	CellText CellKind = iota
	CellNumber
	CellDate
	CellTime
)

// Cell is one typed value of a table. The zero Cell is an empty text cell.
type Cell struct {
	Kind   CellKind
	Text   string
	Number float64
	// Time is the day (CellDate, at 00:00 UTC) or the wall-clock time in
	// the reader's zone (CellTime, its location set to UTC so an encoder
	// writes what the reader reads).
	Time time.Time
}

// TextCell, NumberCell, DateCell and TimeCell build cells.
func TextCell(s string) Cell    { return Cell{Kind: CellText, Text: s} }
func NumberCell(v float64) Cell { return Cell{Kind: CellNumber, Number: v} }
func DateCell(d time.Time) Cell { return dateOrBlank(CellDate, d) }
func timeCell(t time.Time, tz *time.Location) Cell {
	if t.IsZero() {
		return Cell{}
	}
	w := t.In(tz)
	return Cell{Kind: CellTime, Time: time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)}
}

// dateOrBlank is a date cell, or an empty one for the zero time.
func dateOrBlank(k CellKind, d time.Time) Cell {
	if d.IsZero() {
		return Cell{}
	}
	return Cell{Kind: k, Time: DateOnly(d)}
}

// Table is one sheet: its name, its header and its rows.
type Table struct {
	Name   string
	Header []string
	Rows   [][]Cell
}

// File formats of an export.
const (
	FormatXLSX = "xlsx" // one workbook, one sheet per table
	FormatCSV  = "csv"  // one UTF-8 CSV file per table
)

// Attachment is a file a reply carries: tables to encode in Format, named
// Name (without extension). Adapters encode it and send it as a file,
// one-to-one only.
type Attachment struct {
	Name   string
	Format string
	Tables []Table
}
