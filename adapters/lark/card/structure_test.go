package card

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

// Card JSON 2.0 rejects attributes it does not know, so every element is
// held to the attributes its component page lists
// (open.feishu.cn/document/feishu-cards/card-json-v2-components/…).
var (
	common   = []string{"tag", "element_id", "margin"}
	layout   = []string{"direction", "padding", "horizontal_spacing", "vertical_spacing", "horizontal_align", "vertical_align"}
	interact = []string{"behaviors", "confirm", "hover_tips", "disabled", "disabled_tips"}
	formItem = []string{"name", "required", "width"}
	picker   = join(common, interact, formItem, []string{"placeholder", "value"})
)

var allowed = map[string][]string{
	"markdown":        join(common, []string{"content", "text_size", "text_align", "icon"}),
	"hr":              common,
	"column_set":      join(common, []string{"columns", "flex_mode", "horizontal_spacing", "horizontal_align", "background_style", "action"}),
	"column":          join(common, layout, []string{"width", "weight", "background_style", "elements", "action"}),
	"chart":           join(common, []string{"aspect_ratio", "color_theme", "chart_spec", "preview", "height"}),
	"button":          join(common, interact, []string{"type", "size", "width", "text", "icon"}),
	"form":            join(common, layout, []string{"name", "elements"}),
	"input":           join(common, interact, formItem, []string{"placeholder", "default_value", "max_length", "input_type", "show_icon", "rows", "auto_resize", "max_rows", "label", "label_position", "value"}),
	"select_static":   join(common, interact, formItem, []string{"type", "placeholder", "initial_option", "initial_index", "options"}),
	"select_person":   join(common, interact, formItem, []string{"type", "placeholder", "initial_option", "options"}),
	"date_picker":     join(picker, []string{"initial_date"}),
	"picker_datetime": join(picker, []string{"initial_datetime"}),
}

// configKeys are the card JSON 2.0 "config" attributes.
var configKeys = []string{"streaming_mode", "streaming_config", "summary", "locales", "enable_forward",
	"update_multi", "width_mode", "use_custom_translation", "enable_forward_interaction", "style"}

// inputTags are the components whose value a form submits under their name.
var inputTags = map[string]bool{"input": true, "select_static": true, "select_person": true, "date_picker": true, "picker_datetime": true}

var enums = map[string][]string{
	"template":    {"blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine", "violet", "purple", "indigo", "grey", "default"},
	"button.type": {"default", "primary", "danger", "text", "primary_text", "danger_text", "primary_filled", "danger_filled", "laser"},
	"text_size":   {"heading-0", "heading-1", "heading-2", "heading-3", "heading-4", "heading", "normal", "notation"},
	"input_type":  {"text", "multiline_text", "password"},
	"flex_mode":   {"none", "stretch", "flow", "bisect", "trisect"},
}

func join(lists ...[]string) []string { return slices.Concat(lists...) }

// roundTrip is card as the platform receives it.
func roundTrip(t *testing.T, card map[string]any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(card)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// walk calls f on every element under els with the tags of its ancestors.
func walk(els any, f func(el map[string]any, parents []string)) {
	var visit func(any, []string)
	visit = func(v any, parents []string) {
		list, _ := v.([]any)
		for _, x := range list {
			el, _ := x.(map[string]any)
			f(el, parents)
			inner := append(slices.Clip(parents), el["tag"].(string))
			visit(el["elements"], inner)
			visit(el["columns"], inner)
		}
	}
	visit(els, nil)
}

func TestStructure(t *testing.T) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) { checkCard(t, tt.msg(), tt.opt) })
	}
}

// checkCard holds a render to the rules the platform enforces.
func checkCard(t *testing.T, m bot.Message, o Options) {
	card := roundTrip(t, Render(m, o))
	for k := range card {
		if !slices.Contains([]string{"schema", "config", "header", "body"}, k) {
			t.Errorf("unknown card key %q", k)
		}
	}
	cfg := card["config"].(map[string]any)
	for k := range cfg {
		if !slices.Contains(configKeys, k) {
			t.Errorf("unknown config key %q", k)
		}
	}
	if card["schema"] != "2.0" || cfg["update_multi"] != true {
		t.Errorf("schema %v, update_multi %v", card["schema"], cfg["update_multi"])
	}
	if h, ok := card["header"].(map[string]any); ok && !slices.Contains(enums["template"], h["template"].(string)) {
		t.Errorf("header template %v", h["template"])
	}
	var refs []bot.ActionRef // buttons, then forms, in the order the message has them
	var formRefs []bot.ActionRef
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case bot.Buttons:
			for _, btn := range b {
				refs = append(refs, btn.Action)
			}
		case bot.Form:
			formRefs = append(formRefs, b.Action)
		}
	}
	names := map[string]bool{}
	var gotRefs, gotForms []bot.ActionRef
	walk(card["body"].(map[string]any)["elements"], func(el map[string]any, parents []string) {
		tag, _ := el["tag"].(string)
		keys, ok := allowed[tag]
		if !ok {
			t.Errorf("unknown tag %q", tag)
			return
		}
		inForm := slices.Contains(parents, "form")
		if inForm && tag == "button" {
			keys = join(keys, []string{"name", "form_action_type"})
		}
		for k := range el {
			if !slices.Contains(keys, k) {
				t.Errorf("%s: unknown attribute %q", tag, k)
			}
		}
		checkEnums(t, tag, el)
		if tag == "form" && len(parents) > 0 {
			t.Errorf("form nested in %v", parents)
		}
		if inputTags[tag] || tag == "form" || (tag == "button" && inForm) {
			name, _ := el["name"].(string)
			if name == "" || names[name] {
				t.Errorf("%s name %q empty or repeated", tag, name)
			}
			names[name] = true
			if inputTags[tag] && !inForm {
				t.Errorf("%s %q outside a form", tag, name)
			}
		}
		if tag == "button" {
			ref := clicked(t, el)
			if !inForm {
				gotRefs = append(gotRefs, ref)
			} else if el["form_action_type"] == "submit" {
				gotForms = append(gotForms, ref)
				if v := el["behaviors"].([]any)[0].(map[string]any)["value"].(map[string]any); v[keyForm] != "1" {
					t.Errorf("submit value %v is not marked as a form", v)
				}
			}
		}
	})
	if !o.Interactive {
		refs, formRefs = nil, nil
	}
	if diff := cmp.Diff(refs, gotRefs); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(formRefs, gotForms); diff != "" {
		t.Errorf("form submits (-want +got):\n%s", diff)
	}
	if n := SentSize(card); n > 30<<10 {
		t.Errorf("card is %d bytes", n)
	}
}

// clicked is the action a button's callback value carries back.
func clicked(t *testing.T, el map[string]any) bot.ActionRef {
	t.Helper()
	bs, _ := el["behaviors"].([]any)
	if len(bs) != 1 {
		t.Errorf("button behaviors %v", el["behaviors"])
		return bot.ActionRef{}
	}
	b := bs[0].(map[string]any)
	value, _ := b["value"].(map[string]any)
	in, err := ParseAction(value, nil)
	if b["type"] != "callback" || err != nil {
		t.Errorf("button behavior %v: %v", b, err)
		return bot.ActionRef{}
	}
	ref := bot.ActionRef{ID: in.ID, Args: in.Args}
	if len(ref.Args) == 0 {
		ref.Args = nil
	}
	return ref
}

func checkEnums(t *testing.T, tag string, el map[string]any) {
	t.Helper()
	check := func(key, enum string) {
		if v, ok := el[key]; ok && !slices.Contains(enums[enum], v.(string)) {
			t.Errorf("%s.%s = %v, not one of %v", tag, key, v, enums[enum])
		}
	}
	if tag == "button" {
		check("type", "button.type")
	}
	for _, k := range slices.Sorted(maps.Keys(enums)) {
		if k != "button.type" && k != "template" {
			check(k, k)
		}
	}
}
