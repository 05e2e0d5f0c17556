package blockkit

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// Modal limits.
const (
	maxModalTitle  = 24 // title, submit and close labels
	maxLabel       = 2000
	maxHint        = 2000
	maxPlaceholder = 150
	maxInitial     = 3000 // a plain_text_input's longest value
	maxOptions     = 100
	maxOptionText  = 75
	maxOptionValue = 150
	maxCallbackID  = 255
)

// DefaultCallbackID is the callback_id of modals opened without one.
const DefaultCallbackID = "pip.form"

// DateTimeLayout is how the engine writes a date and time (in the reader's zone).
const DateTimeLayout = "2006-01-02 15:04"

// ModalOptions say who a modal is for and how its submission comes back.
type ModalOptions struct {
	// Locale is the reader's language, for the labels the renderer adds.
	Locale bot.Locale
	// CallbackID names the modal in view_submission; DefaultCallbackID when empty.
	CallbackID string
	// PrivateMetadata routes the submission (see MetadataValue); when empty
	// it is the form's action alone.
	PrivateMetadata string
	// TZ is the reader's time zone, for datetime inputs; UTC when nil.
	TZ *time.Location
	// Errors maps input names to problems shown as the input's hint, for
	// a modal updated after a bad submission that could not be answered
	// with ErrorsResponse in time.
	Errors map[string]string
}

// Modal is f as a modal for views.open: one input block per input, whose
// block_id and action_id are both the input's Name, so a submission reads
// back by name (ParseSubmission) and errors land on the right input
// (ErrorsResponse). A title longer than Slack's 24 characters is cut and
// shown in full above the inputs.
//
// A form with more inputs than a modal's 100 blocks hold is shown a page
// at a time, every input on some page: the page its bot.ArgPage asks for
// ("from:K", the first without one) and a line saying which inputs it
// holds. Its submit button reads "Next" and submits the page as a page
// turn, carrying in private_metadata what was entered on the pages before
// it; the engine answers with the form again, which replaces the modal on
// the next page (response_action update). The last page submits the form.
func Modal(f bot.Form, o ModalOptions) slack.ModalViewRequest {
	title := oneLine(f.Title)
	if title == "" {
		title = phrase(o.Locale, "form.title")
	}
	var blocks []slack.Block
	if length(title) > maxModalTitle {
		blocks = append(blocks, slack.NewSectionBlock(markdown(clip("*"+escape(title)+"*", maxText)), nil, nil))
	}
	inputs := append([]bot.Input(nil), f.Inputs...)
	for i := range inputs {
		if inputs[i].Name == "" {
			inputs[i].Name = "field_" + strconv.Itoa(i+1)
		}
	}
	meta := Metadata{Action: f.Action}
	if o.PrivateMetadata != "" {
		if m, err := ParseMetadata(o.PrivateMetadata); err == nil {
			meta = m
		}
	}
	meta.Action = withoutPage(meta.Action)
	submit := oneLine(f.Submit)
	if submit == "" {
		submit = phrase(o.Locale, "submit")
	}
	from, to, line := 0, len(inputs), -1
	if room := MaxViewBlocks - len(blocks); len(inputs) > room {
		room-- // the line saying which inputs the page holds
		if k, err := strconv.Atoi(strings.TrimPrefix(f.Action.Args[bot.ArgPage], "from:")); err == nil {
			from = min(max(k, 0), len(inputs)-1)
		}
		to = min(from+room, len(inputs))
		line = len(blocks)
		blocks = append(blocks, context(escape(fmt.Sprintf(phrase(o.Locale, "page.of"), from+1, to, len(inputs)))))
		meta.Values = map[string]string{}
		for _, in := range inputs[:from] {
			meta.Values[in.Name] = in.Value
		}
		if to < len(inputs) {
			meta.Action.Args = maps.Clone(meta.Action.Args)
			if meta.Action.Args == nil {
				meta.Action.Args = map[string]string{}
			}
			meta.Action.Args[bot.ArgPage] = "from:" + strconv.Itoa(to)
			submit = phrase(o.Locale, "page.next")
		}
	}
	for _, in := range inputs[from:to] {
		blocks = append(blocks, input(in, o))
	}
	private, err := MetadataValue(meta)
	if err != nil && line >= 0 {
		// Too much to carry: the form goes on without the earlier
		// pages' values, and says so.
		meta.Values = nil
		private, _ = MetadataValue(meta)
		blocks[line] = context(escape(fmt.Sprintf(phrase(o.Locale, "page.of"), from+1, to, len(inputs)) + " " + phrase(o.Locale, "page.lost")))
	}
	callback := o.CallbackID
	if callback == "" {
		callback = DefaultCallbackID
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain(title, maxModalTitle),
		Blocks:          slack.Blocks{BlockSet: blocks},
		Close:           plain(phrase(o.Locale, "cancel"), maxModalTitle),
		Submit:          plain(submit, maxModalTitle),
		PrivateMetadata: private, // too long even alone: no routing, the submission is refused
		CallbackID:      clip(callback, maxCallbackID),
	}
}

// withoutPage is ref without bot.ArgPage.
func withoutPage(ref bot.ActionRef) bot.ActionRef {
	if _, ok := ref.Args[bot.ArgPage]; ok {
		ref.Args = maps.Clone(ref.Args)
		delete(ref.Args, bot.ArgPage)
	}
	return ref
}

// input is one input block; optional unless the engine requires it.
func input(in bot.Input, o ModalOptions) *slack.InputBlock {
	label := oneLine(in.Label)
	if label == "" {
		label = in.Name
	}
	ph := oneLine(in.Placeholder)
	placeholder := func(key string) *slack.TextBlockObject {
		if ph == "" {
			ph = phrase(o.Locale, key)
		}
		return plain(ph, maxPlaceholder)
	}
	var hint *slack.TextBlockObject
	var el slack.BlockElement
	switch in.Kind {
	case bot.InputDate:
		e := slack.NewDatePickerBlockElement(in.Name)
		e.Placeholder = placeholder("ph.date")
		if _, err := time.Parse(time.DateOnly, in.Value); err == nil {
			e.InitialDate = in.Value
		}
		el = e
	case bot.InputDateTime:
		e := slack.NewDateTimePickerBlockElement(in.Name)
		if t, err := time.ParseInLocation(DateTimeLayout, in.Value, zone(o.TZ)); err == nil {
			e.InitialDateTime = t.Unix()
		}
		el = e
	case bot.InputUser:
		e := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, placeholder("ph.user"), in.Name)
		e.InitialUser = in.Value
		el = e
	case bot.InputSelect:
		if e := staticSelect(in, placeholder("ph.select")); e != nil {
			el = e
			break
		}
		fallthrough // no usable options: let them type
	default: // text, textarea, number and any kind added later
		var p *slack.TextBlockObject
		if ph != "" {
			p = plain(ph, maxPlaceholder)
		}
		e := slack.NewPlainTextInputBlockElement(p, in.Name)
		e.Multiline = in.Kind == bot.InputTextArea
		e.InitialValue = clip(in.Value, maxInitial)
		if in.Kind == bot.InputNumber {
			hint = plain(phrase(o.Locale, "hint.number"), maxHint)
		}
		el = e
	}
	if msg := strings.TrimSpace(o.Errors[in.Name]); msg != "" {
		hint = plain("⚠️ "+oneLine(msg), maxHint)
	}
	b := slack.NewInputBlock(in.Name, plain(label, maxLabel), hint, el)
	b.Optional = !in.Required
	return b
}

// staticSelect is a static_select of the first 100 options whose values
// Slack can carry, or nil when there are none.
func staticSelect(in bot.Input, ph *slack.TextBlockObject) *slack.SelectBlockElement {
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, op := range in.Options {
		if len(opts) == maxOptions {
			break
		}
		if op.Value == "" || length(op.Value) > maxOptionValue {
			continue
		}
		label := oneLine(op.Label)
		if label == "" {
			label = op.Value
		}
		opt := slack.NewOptionBlockObject(op.Value, plain(label, maxOptionText), nil)
		if op.Value == in.Value && initial == nil {
			initial = opt
		}
		opts = append(opts, opt)
	}
	if opts == nil {
		return nil
	}
	e := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, ph, in.Name, opts...)
	e.InitialOption = initial
	return e
}

// zone is tz, or UTC when unknown.
func zone(tz *time.Location) *time.Location {
	if tz == nil {
		return time.UTC
	}
	return tz
}
