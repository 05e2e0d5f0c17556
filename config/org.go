package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pipbot/pipbot/bot"
)

// LoadOrg reads the org file (PIPBOT_ORG): who reports to whom, in CSV or
// YAML. Problems name the file by its base name; see ParseOrg.
func LoadOrg(path string) ([]bot.OrgEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read org file: %w", err)
	}
	return ParseOrg(filepath.Base(path), data)
}

// ParseOrg reads an org file's contents; name is how messages call the file
// and, by its extension, chooses the format: .csv is CSV; .yaml, .yml and
// .json are YAML (which reads JSON); anything else is recognised by its
// first line that is not blank or a # comment.
//
// CSV starts with a header naming its columns in any order, in English or
// Chinese, in any case: employee (员工, required), manager (经理, 上级),
// department (部门), hr. YAML is a list of maps with the same keys, or
// {people: [...]}:
//
//	employee,manager,department,hr
//	slack:U1,,Engineering,no
//	slack:U2,slack:U1,Engineering,
//
//	- {employee: slack:U1, department: Engineering}
//	- {employee: slack:U2, manager: slack:U1, hr: 否}
//
// People are "platform:id" with platform lark or slack; hr is true/false,
// yes/no, y/n, 1/0 or 是/否, empty meaning false. The file may be UTF-8 with
// or without a byte-order mark. Every problem is reported at once
// (errors.Join), in line order, each as "NAME:LINE: message"; entries are
// returned only when there are none.
func ParseOrg(name string, data []byte) ([]bot.OrgEntry, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, fmt.Errorf(`%s:%d: not UTF-8 text (save it as "CSV UTF-8" or UTF-8 YAML)`, name, firstInvalidLine(data))
	}
	var p orgProblems
	var rows []orgRow
	if orgIsYAML(name, data) {
		var err error
		if rows, err = parseOrgYAML(data, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	} else {
		rows = parseOrgCSV(data, &p)
	}
	entries := checkOrg(rows, &p)
	if err := p.err(name); err != nil {
		return nil, err
	}
	return entries, nil
}

// orgIsYAML tells the format by the extension of name, else by the first
// line that is neither blank nor a comment: a YAML list or map starts with
// "-", "[", "{", "%" or "people:", a CSV header with a column name.
func orgIsYAML(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return false
	case ".yaml", ".yml", ".json":
		return true
	}
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		return bytes.IndexByte([]byte("-[{%"), line[0]) >= 0 ||
			bytes.HasPrefix(bytes.ToLower(line), []byte("people:"))
	}
	return false
}

// firstInvalidLine is the 1-based line of the first byte that is not UTF-8.
func firstInvalidLine(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// orgRow is one person as written in the file, before any check. Each field
// keeps its own line, which in YAML may differ from the row's.
type orgRow struct {
	line                              int
	employee, manager, department, hr orgField
}

// orgField is one value of a row and the line it was on. bad marks a
// value that could not be read, already reported, so checks pass over it.
type orgField struct {
	text string
	line int
	bad  bool
}

// field returns the row's field for a canonical column name.
func (r *orgRow) field(column string) *orgField {
	switch column {
	case "employee":
		return &r.employee
	case "manager":
		return &r.manager
	case "department":
		return &r.department
	}
	return &r.hr
}

// orgColumns maps every accepted column name or YAML key, lower-cased, to
// its canonical name.
var orgColumns = map[string]string{
	"employee": "employee", "员工": "employee",
	"manager": "manager", "经理": "manager", "上级": "manager",
	"department": "department", "部门": "department",
	"hr": "hr",
}

// orgColumn resolves a column name or YAML key; "" when unknown.
func orgColumn(s string) string {
	return orgColumns[strings.ToLower(strings.TrimSpace(s))]
}

// orgWant lists the accepted columns for messages.
const orgWant = "want employee/员工, manager/经理/上级, department/部门, hr"

// orgProblems collects every problem of a file with its line.
type orgProblems []orgProblem

// orgProblem is one problem at one line.
type orgProblem struct {
	line int
	msg  string
}

// add records a problem at line.
func (p *orgProblems) add(line int, format string, args ...any) {
	*p = append(*p, orgProblem{line, fmt.Sprintf(format, args...)})
}

// err joins the problems in line order as "name:line: msg"; nil when there
// are none.
func (p orgProblems) err(name string) error {
	slices.SortStableFunc(p, func(a, b orgProblem) int { return cmp.Compare(a.line, b.line) })
	errs := make([]error, len(p))
	for i, pr := range p {
		errs[i] = fmt.Errorf("%s:%d: %s", name, pr.line, pr.msg)
	}
	return errors.Join(errs...)
}
