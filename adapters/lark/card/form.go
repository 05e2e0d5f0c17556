package card

import (
	"fmt"
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
	pg, paged := o.pages[n]
	inputs := f.Inputs
	title := strings.TrimSpace(f.Title)
	if paged {
		inputs = inputs[pg.from:pg.to]
		title = strings.TrimSpace(clip(title, maxTitle) + " " + pageLabel(o.Locale, pg))
	}
	var els []element
	if title != "" {
		els = append(els, element{"tag": "markdown", "content": "**" + escapeLines(clip(title, maxTitle+40), false) + "**"})
	}
	for i, in := range inputs {
		if in.Name == "" {
			in.Name = "field_" + strconv.Itoa(i+1) + suffix
		}
		els = append(els, input(in, o.Locale)...)
		if msg := o.Errors[in.Name]; msg != "" {
			els = append(els, element{"tag": "markdown", "text_size": "notation",
				"content": "<font color='red'>" + escapeLines(clip(strings.ReplaceAll(msg, "\n", " "), maxLabel), false) + "</font>"})
		}
	}
	label := f.Submit
	if strings.TrimSpace(label) == "" {
		label = phrase(o.Locale, "submit")
	}
	// Every button of a paged form submits it, so the values of its page
	// come with the click; the value carries the others'.
	submit := func(name, text, typ string, ref bot.ActionRef) element {
		v := ActionValue(ref, true)
		if paged {
			v[keyValues] = pg.carry
		}
		return element{"tag": "button", "name": name + suffix, "text": plain(clip(text, maxShort)), "type": typ,
			"form_action_type": "submit", "behaviors": []element{{"type": "callback", "value": v}}}
	}
	turn := func(spec string) bot.ActionRef {
		ref := bot.ActionRef{ID: f.Action.ID, Args: map[string]string{bot.ArgPage: spec}}
		for k, v := range f.Action.Args {
			ref.Args[k] = v
		}
		return ref
	}
	if paged && pg.prev != "" {
		els = append(els, submit("prev", phrase(o.Locale, "page.prev"), "default", turn(pg.prev)))
	}
	if paged && pg.next != "" {
		els = append(els, submit("next", phrase(o.Locale, "page.next"), "primary", turn(pg.next)))
	} else {
		els = append(els, submit("submit", label, "primary", f.Action))
	}
	return element{"tag": "form", "name": "form" + suffix, "elements": els}
}

// pageLabel says which inputs a page of a form shows.
func pageLabel(l bot.Locale, pg formPage) string {
	return fmt.Sprintf(phrase(l, "page.of"), pg.from+1, pg.to, pg.total)
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
			opts[i] = element{"text": plain(clip(op.Label, maxShort)), "value": op.Value}
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
			e["label"] = plain(clip(in.Label, maxLabel))
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
	return []element{{"tag": "markdown", "content": literal(clip(in.Label, maxLabel))}, e}
}
