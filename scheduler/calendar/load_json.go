package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// parseJSON walks {"tenant": [{"date": …, "workday": …, "note": …}, …], …}
// token by token, so that every entry keeps the line it starts on; the
// standard decoder alone reports only byte offsets, and none at all for a
// day that does not exist.
func parseJSON(file string, data []byte, sh shape) ([]fileEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(err error) ([]fileEntry, error) {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s:%d: %v", file, lineAt(data, se.Offset), err)
		}
		return nil, fmt.Errorf("%s:%d: %v", file, lineAt(data, dec.InputOffset()), err)
	}
	expect := func(want json.Delim, what string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok != want {
			return fmt.Errorf("want %s, found %v", what, tok)
		}
		return nil
	}

	if err := expect('{', fmt.Sprintf("an object of %s → list of %s", sh.key, sh.list)); err != nil {
		return fail(err)
	}
	var entries []fileEntry
	tenants := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		tenant := tok.(string) // object keys are always strings
		keyLine := lineAt(data, dec.InputOffset())
		if tenants[tenant] {
			return fail(fmt.Errorf("%s %q is listed twice", sh.key, tenant))
		}
		tenants[tenant] = true
		if err := expect('[', fmt.Sprintf("a list of %s for %s %q", sh.list, sh.key, tenant)); err != nil {
			return fail(err)
		}
		entries = append(entries, fileEntry{key: sh.key, tenant: tenant, line: keyLine})
		for i := 1; dec.More(); i++ {
			e := fileEntry{key: sh.key, tenant: tenant, index: i, line: lineAt(data, nextToken(data, dec.InputOffset()))}
			var fields map[string]json.RawMessage
			if err := dec.Decode(&fields); err != nil {
				if errors.As(err, new(*json.SyntaxError)) {
					return fail(err)
				}
				return nil, fmt.Errorf(`%s: want an object {"date", "workday", "note"}`, e.where(file))
			}
			e.fillJSON(fields)
			entries = append(entries, e)
		}
		if err := expect(']', "the end of the list"); err != nil {
			return fail(err)
		}
	}
	if err := expect('}', "the end of the object"); err != nil {
		return fail(err)
	}
	return entries, nil
}

// fillJSON sets e's fields from one decoded object, noting bad types and
// unknown fields.
func (e *fileEntry) fillJSON(fields map[string]json.RawMessage) {
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		raw := fields[k]
		if string(raw) == "null" {
			continue
		}
		switch k {
		case "date":
			var s string
			if json.Unmarshal(raw, &s) != nil {
				e.errs = append(e.errs, fieldErr{e.line, fmt.Sprintf(`field date: want a string "YYYY-MM-DD", found %s`, raw)})
				continue
			}
			e.date = &s
		case "workday":
			var b bool
			if json.Unmarshal(raw, &b) != nil {
				e.errs = append(e.errs, fieldErr{e.line, fmt.Sprintf("field workday: want true or false, found %s", raw)})
				continue
			}
			e.workday = &b
		case "note":
			if json.Unmarshal(raw, &e.note) != nil {
				e.errs = append(e.errs, fieldErr{e.line, fmt.Sprintf("field note: want a string, found %s", raw)})
			}
		default:
			e.errs = append(e.errs, fieldErr{e.line, fmt.Sprintf("unknown field %q (want date, workday, note)", k)})
		}
	}
}

// nextToken skips the whitespace and comma after off, to where the next
// value starts.
func nextToken(data []byte, off int64) int64 {
	for off < int64(len(data)) && bytes.IndexByte([]byte(" \t\r\n,"), data[off]) >= 0 {
		off++
	}
	return off
}
