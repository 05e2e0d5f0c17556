package config

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// parseOrgCSV reads the header and then one row per record, skipping blank
// lines, # comments and rows with every cell empty (spreadsheets write
// those). Problems of shape (unknown or repeated columns, stray values,
// broken quoting) go to p, and a row with more cells than the header is
// left out rather than read askew; the rows are checked later.
func parseOrgCSV(data []byte, p *orgProblems) []orgRow {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = -1 // rows may be shorter; longer ones are reported
	r.TrimLeadingSpace = true

	var columns []string // canonical name per column; "" unnamed, "-" unknown
	var rows []orgRow
	for {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.add(pe.Line, "not valid CSV: %v", pe.Err)
			continue
		}
		if err != nil { // not expected from a bytes.Reader
			line, _ := r.FieldPos(0)
			p.add(line, "not valid CSV: %v", err)
			break
		}
		if allEmpty(record) {
			continue
		}
		line, _ := r.FieldPos(0)
		if columns == nil {
			columns = orgHeader(record, line, p)
			if columns == nil {
				return nil
			}
			continue
		}
		if len(record) > len(columns) && !allEmpty(record[len(columns):]) {
			p.add(line, "%d cells, but the header names %d columns (quote a value that holds a comma)", len(record), len(columns))
			continue
		}
		row := orgRow{line: line}
		for i, cell := range record[:min(len(record), len(columns))] {
			cell = strings.TrimSpace(cell)
			switch columns[i] {
			case "-": // reported with the header
			case "":
				if cell != "" {
					p.add(line, "value %q is in column %d, which the header leaves unnamed", cell, i+1)
				}
			default:
				*row.field(columns[i]) = orgField{text: cell, line: line}
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// orgHeader resolves the header's column names, reporting unknown and
// repeated ones, whose values are then ignored ("-"). It returns nil, after
// reporting it, when no column is the employee's, since no row can then be
// read.
func orgHeader(record []string, line int, p *orgProblems) []string {
	columns := make([]string, len(record))
	seen := map[string]string{} // canonical → as written
	for i, cell := range record {
		cell = strings.TrimSpace(cell)
		if cell == "" {
			continue
		}
		col := orgColumn(cell)
		switch first, dup := seen[col]; {
		case col == "":
			p.add(line, "unknown column %q (%s)", cell, orgWant)
			columns[i] = "-"
		case dup:
			p.add(line, "column %q repeats column %q", cell, first)
			columns[i] = "-"
		default:
			seen[col] = cell
			columns[i] = col
		}
	}
	if _, ok := seen["employee"]; !ok {
		p.add(line, "the header has no employee column (employee or 员工)")
		return nil
	}
	return columns
}

// allEmpty reports whether every cell is blank.
func allEmpty(record []string) bool {
	for _, cell := range record {
		if strings.TrimSpace(cell) != "" {
			return false
		}
	}
	return true
}
