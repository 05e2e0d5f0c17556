package card

import (
	"strconv"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// form is a form container at the card's root (the only place 2.0 allows
// one). Its inputs submit together through its one submit button, whose
// callback value carries the form's action; the values arrive in
// form_value keyed by Input.Name. n numbers the message's forms, so form
// and button names stay unique in the card.
func form(f bot.Form, n int, o Options) element {
	suffix := ""
	if n > 1 {
		suffix = "_" + strconv.Itoa(n)
	}
	var els []element
	if t := strings.TrimSpace(f.Title); t != "" {
		els = append(els, element{"tag": "markdown", "content": "**" + escapeLines(t, false) + "**"})
	}
	for i, in := range f.Inputs {
		if in.Name == "" {
			in.Name = "field_" + strconv.Itoa(i+1) + suffix
		}
		els = append(els, input(in, o.Locale)...)
		if msg := o.Errors[in.Name]; msg != "" {
			els = append(els, element{"tag": "markdown", "text_size": "notation",
				"content": "<font color='red'>" + escapeLines(strings.ReplaceAll(msg, "\n", " "), false) + "</font>"})
		}
	}
	label := f.Submit
	if strings.TrimSpace(label) == "" {
		label = phrase(o.Locale, "submit")
	}
	els = append(els, element{
		"tag":              "button",
		"name":             "submit" + suffix,
		"text":             plain(label),
		"type":             "primary",
		"form_action_type": "submit",
		"behaviors":        []element{{"type": "callback", "value": ActionValue(f.Action, true)}},
	})
	return element{"tag": "form", "name": "form" + suffix, "elements": els}
}

// input is one form input, preceded by a markdown label for the components
// that have no label attribute (only "input" has one in 2.0).
func input(in bot.Input, l bot.Locale) []element {
	e := element{"name": in.Name, "required": in.Required, "width": "fill"}
	ph := in.Placeholder
	switch in.Kind {
	case bot.InputDate:
		e["tag"] = "date_picker"
		if _, err := time.Parse(time.DateOnly, in.Value); err == nil {
			e["initial_date"] = in.Value
		}
	case bot.InputDateTime:
		e["tag"] = "picker_datetime"
		if _, err := time.Parse("2006-01-02 15:04", in.Value); err == nil {
			e["initial_datetime"] = in.Value
		}
	case bot.InputSelect:
		if len(in.Options) == 0 {
			return input(bot.Input{Name: in.Name, Label: in.Label, Kind: bot.InputText, Required: in.Required,
				Placeholder: in.Placeholder, Value: in.Value}, l)
		}
		e["tag"] = "select_static"
		opts := make([]element, len(in.Options))
		for i, op := range in.Options {
			opts[i] = element{"text": plain(op.Label), "value": op.Value}
			if op.Value == in.Value && in.Value != "" {
				e["initial_option"] = in.Value
			}
		}
		e["options"] = opts
	case bot.InputUser:
		// Options are open_ids. Without any, Feishu offers the members of
		// the chat the card is in; initial_option must be one of them.
		e["tag"] = "select_person"
		var opts []element
		if in.Value != "" {
			opts = append(opts, element{"value": in.Value})
			e["initial_option"] = in.Value
		}
		for _, op := range in.Options {
			if op.Value != "" && op.Value != in.Value {
				opts = append(opts, element{"value": op.Value})
			}
		}
		if opts != nil {
			e["options"] = opts
		}
	default: // text, textarea, number and any kind added later
		e["tag"] = "input"
		if in.Label != "" {
			e["label"] = plain(in.Label)
		}
		if in.Value != "" {
			e["default_value"] = clip(in.Value, maxDefault)
		}
		if in.Kind == bot.InputTextArea {
			e["input_type"], e["rows"], e["auto_resize"], e["max_rows"] = "multiline_text", 3, true, 8
		}
		// 2.0 inputs have no number type: the placeholder says so and the
		// engine checks the value.
		if ph == "" && in.Kind == bot.InputNumber {
			ph = phrase(l, "ph.number")
		}
		if ph != "" {
			e["placeholder"] = plain(clip(ph, maxShort))
		}
		return []element{e}
	}
	if ph == "" { // pickers require one when they have no initial value
		ph = phrase(l, "ph."+string(in.Kind))
	}
	e["placeholder"] = plain(clip(ph, maxShort))
	if in.Label == "" {
		return []element{e}
	}
	return []element{{"tag": "markdown", "content": literal(in.Label)}, e}
}
