// Package export encodes the engine's tables (bot.Attachment) as files:
// an .xlsx workbook with one sheet per table, or one UTF-8 CSV per table.
// The engine decides what is in them; this package only knows the formats,
// so bot never imports excelize. Both adapters and the command line use it.
package export

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// MIME types of the files Encode makes.
const (
	MIMEXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	MIMECSV  = "text/csv; charset=utf-8"
)

// File is one encoded file, ready to upload or write.
type File struct {
	Name string // with its extension: "绩效改进计划-12.xlsx"
	MIME string
	Data []byte
}

// Encode turns a into files: one workbook for xlsx, one CSV per table.
func Encode(a *bot.Attachment) ([]File, error) {
	if a == nil {
		return nil, fmt.Errorf("encode export: no attachment")
	}
	switch a.Format {
	case bot.FormatXLSX, "":
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, a.Tables); err != nil {
			return nil, err
		}
		return []File{{Name: fileName(a.Name) + ".xlsx", MIME: MIMEXLSX, Data: buf.Bytes()}}, nil
	case bot.FormatCSV:
		out := make([]File, 0, len(a.Tables))
		for _, t := range a.Tables {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, t); err != nil {
				return nil, err
			}
			out = append(out, File{Name: fileName(a.Name+"-"+t.Name) + ".csv", MIME: MIMECSV, Data: buf.Bytes()})
		}
		return out, nil
	}
	return nil, fmt.Errorf("encode export: unknown format %q", a.Format)
}

// fileName keeps a name safe on every file system and in upload forms.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, s)
}
