package card

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// extremeCorpus is what the engine answers for the largest plans
// (bot.TestExtremeCorpus): every card and form kind, for a plan at every
// input limit and one far past them.
const extremeCorpus = "../../../bot/testdata/extreme_replies.json.gz"

// maxDepth bounds how deep components nest: "分栏组件最多支持嵌套五层组件"
// (column_set, card JSON 2.0,
// https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-components/containers/column-set).
// The renderer never goes past form → column_set → column → element.
const maxDepth = 5

// validate holds a card to what Feishu takes: at most 200 components,
// 30 KB as sent (MaxBytes with the envelope's room), forms only at the
// root and holding no form or table, inputs only in forms, names unique,
// at most 5 charts, known components only, nesting at most maxDepth.
func validate(t *testing.T, what string, card map[string]any) {
	t.Helper()
	card = roundTrip(t, card)
	if n := Components(card); n > MaxComponents {
		t.Errorf("%s: %d components, over %d", what, n, MaxComponents)
	}
	if n := SentSize(card); n > MaxBytes {
		t.Errorf("%s: %d bytes as sent, over %d", what, n, MaxBytes)
	}
	body, _ := card["body"].(map[string]any)
	charts := 0
	names := map[string]bool{}
	walk(body["elements"], func(el map[string]any, parents []string) {
		tag, _ := el["tag"].(string)
		if _, ok := allowed[tag]; !ok {
			t.Errorf("%s: unknown component %q", what, tag)
		}
		if len(parents) >= maxDepth {
			t.Errorf("%s: %s nested %d deep (%v)", what, tag, len(parents), parents)
		}
		inForm := slices.Contains(parents, "form")
		switch {
		case tag == "form" && len(parents) > 0:
			t.Errorf("%s: form inside %v", what, parents)
		case tag == "table" && inForm:
			t.Errorf("%s: table inside a form", what)
		case inputTags[tag] && !inForm:
			t.Errorf("%s: %s outside a form", what, tag)
		case tag == "chart":
			charts++
		}
		if name, _ := el["name"].(string); name != "" {
			if names[name] {
				t.Errorf("%s: name %q repeated", what, name)
			}
			names[name] = true
		}
	})
	if charts > maxCharts {
		t.Errorf("%s: %d charts", what, charts)
	}
}

// TestGoldensFitFeishu holds every golden card to Feishu's limits.
func TestGoldensFitFeishu(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.golden.json")
	if len(files) == 0 {
		t.Fatal("no golden cards")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var card map[string]any
		if err := json.Unmarshal(raw, &card); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		validate(t, f, card)
	}
}

// readCorpus is the extreme corpus: replies by plan size and kind.
func readCorpus(t *testing.T) map[string][]bot.Reply {
	t.Helper()
	f, err := os.Open(filepath.FromSlash(extremeCorpus))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	out := map[string][]bot.Reply{}
	for k, v := range entries {
		r, err := bot.UnmarshalReplies(v)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = r
	}
	if len(out) < 20 {
		t.Fatalf("the corpus holds %d entries", len(out))
	}
	return out
}

// TestExtremePlansFitFeishu renders every card and form the engine makes
// for the largest plans, in both languages, with and without buttons:
// every card fits, whole or split into at most maxParts; every form, walked page by page, shows each input on
// some page and submits every value typed.
func TestExtremePlansFitFeishu(t *testing.T) {
	for kind, replies := range readCorpus(t) {
		for i, r := range replies {
			for _, l := range []bot.Locale{bot.LocaleZH, bot.LocaleEN} {
				for _, interactive := range []bool{true, false} {
					o := Options{Locale: l, Interactive: interactive, Private: r.Private}
					validate(t, kind, Render(r.Message, o))
					if l != bot.LocaleZH {
						continue // the split is the same in English, and slow to repeat
					}
					parts := Split(r.Message, o)
					if len(parts) > maxParts {
						t.Errorf("%s: %d cards", kind, len(parts))
					}
					for _, p := range parts {
						validate(t, kind+" (part)", Render(p, o))
					}
				}
				for _, b := range r.Message.Blocks {
					if f, ok := b.(bot.Form); ok {
						walkPages(t, kind+"#"+string(rune('0'+i)), r.Message, f, Options{Locale: l, Interactive: true, Private: r.Private})
					}
				}
			}
		}
	}
}

// walkPages types a value into every input of every page of form f (the
// only form of m), following "next" to the submit, and checks every page
// fits and the submit carries every value.
func walkPages(t *testing.T, what string, m bot.Message, f bot.Form, o Options) {
	t.Helper()
	typed := map[string]string{}
	current := f
	for page := 0; page < 50; page++ {
		msg := m
		msg.Blocks = slices.Clone(m.Blocks)
		for j, b := range msg.Blocks {
			if _, ok := b.(bot.Form); ok {
				msg.Blocks[j] = current
			}
		}
		card := roundTrip(t, Render(msg, o))
		validate(t, what, card)
		formValue := map[string]any{}
		for _, n := range shownInputs(card) {
			typed[n] = "v:" + n
			formValue[n] = typed[n]
		}
		name := "next"
		if formButton(t, card, "next") == nil {
			name = "submit"
		}
		value := formButton(t, card, name)
		if value == nil {
			t.Fatalf("%s: page %d has no %s button", what, page, name)
		}
		in, err := ParseAction(value, formValue)
		if err != nil {
			t.Fatal(err)
		}
		if name == "submit" {
			for _, inp := range f.Inputs {
				if inp.Name != "" && in.Values[inp.Name] != typed[inp.Name] {
					t.Errorf("%s: %s = %q at submit, typed %q", what, inp.Name, in.Values[inp.Name], typed[inp.Name])
				}
			}
			if _, ok := in.Args[bot.ArgPage]; ok {
				t.Errorf("%s: the submit is a page turn", what)
			}
			return
		}
		next := f
		next.Action.Args = in.Args
		next.Inputs = slices.Clone(f.Inputs)
		for i, inp := range next.Inputs {
			if v, ok := in.Values[inp.Name]; ok {
				next.Inputs[i].Value = v
			}
		}
		current = next
	}
	t.Fatalf("%s: no submit after 50 pages", what)
}

// TestCorpusHasEveryKind: the corpus the validators read holds forms with
// more inputs than a card takes, so the paging above is exercised.
func TestCorpusHasEveryKind(t *testing.T) {
	c := readCorpus(t)
	for _, k := range []string{"beyond/form/update", "beyond/form/review", "limits/form/create", "beyond/card/manager"} {
		if len(c[k]) == 0 {
			t.Fatalf("no %s in the corpus", k)
		}
	}
	for _, b := range c["beyond/form/update"][0].Message.Blocks {
		if f, ok := b.(bot.Form); ok && len(f.Inputs) < 100 {
			t.Errorf("the update form of 100 goals has %d inputs", len(f.Inputs))
		}
	}
	card := Render(c["beyond/form/update"][0].Message, Options{Interactive: true})
	if formButton(t, roundTrip(t, card), "next") == nil {
		t.Error("the update form of 100 goals fits one card: the corpus does not reach the limits")
	}
}
