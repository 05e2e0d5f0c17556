package blockkit

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// OpenForm is what an "open form" button carries back. Form is the form
// itself whenever it fitted in the button's value, so the adapter can open
// it as a modal at once, inside the click's 3 s. Otherwise Form is nil and
// the adapter runs Action with nil Values, which makes the engine answer
// with the form again (every form action but plan.create does; the
// new-plan form always fits once compressed).
type OpenForm struct {
	Form   *bot.Form
	Action bot.ActionRef
}

// wireForm is a form as a button value carries it. Again marks a value
// holding only the action, to be run again for the form.
type wireForm struct {
	wireRef
	Again  bool        `json:"r,omitempty"`
	Title  string      `json:"t,omitempty"`
	Submit string      `json:"s,omitempty"`
	Inputs []wireInput `json:"i,omitempty"`
}

type wireInput struct {
	Name        string      `json:"n"`
	Label       string      `json:"l,omitempty"`
	Kind        string      `json:"k,omitempty"`
	Required    bool        `json:"q,omitempty"`
	Placeholder string      `json:"p,omitempty"`
	Value       string      `json:"v,omitempty"`
	Options     [][2]string `json:"o,omitempty"` // value, label
}

// compressed marks a value holding base64url(deflate(JSON)).
const compressed = "z"

// maxInflated bounds what a compressed value may expand to.
const maxInflated = 256 << 10

// FormValue is the value of the "open form" button standing for f: the
// form as compact JSON, or deflated and base64url-encoded after a "z" when
// that is too long, or only its action when even that is too long. User
// inputs lose their candidate Options, which a users_select cannot use.
func FormValue(f bot.Form) (string, error) {
	if f.Action.ID == "" {
		return "", fmt.Errorf("form value: %w: no action id", ErrNotOurs)
	}
	w := wireForm{wireRef: wireRef{A: f.Action.ID, G: f.Action.Args}, Title: f.Title, Submit: f.Submit}
	for _, in := range f.Inputs {
		wi := wireInput{Name: in.Name, Label: in.Label, Kind: string(in.Kind), Required: in.Required,
			Placeholder: in.Placeholder, Value: in.Value}
		if in.Kind != bot.InputUser {
			for _, o := range in.Options {
				wi.Options = append(wi.Options, [2]string{o.Value, o.Label})
			}
		}
		w.Inputs = append(w.Inputs, wi)
	}
	full, err := encode(w, maxInflated)
	if errors.Is(err, ErrTooLong) {
		// Too large even to compress: the click runs the action again.
		return encode(wireForm{wireRef: w.wireRef, Again: true}, maxValue)
	}
	if err != nil {
		return "", fmt.Errorf("form %s: %w", f.Action.ID, err)
	}
	if len(full) <= maxValue {
		return full, nil
	}
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression) // the level is valid
	fw.Write([]byte(full))
	fw.Close()
	if s := compressed + base64.RawURLEncoding.EncodeToString(z.Bytes()); len(s) <= maxValue {
		return s, nil
	}
	return encode(wireForm{wireRef: w.wireRef, Again: true}, maxValue)
}

// ParseForm reads an "open form" button's value back.
func ParseForm(value string) (OpenForm, error) {
	if rest, ok := strings.CutPrefix(value, compressed); ok {
		raw, err := base64.RawURLEncoding.DecodeString(rest)
		if err != nil {
			return OpenForm{}, fmt.Errorf("parse form value: %w: %v", ErrNotOurs, err)
		}
		b, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), maxInflated+1))
		if err != nil || len(b) > maxInflated {
			return OpenForm{}, fmt.Errorf("parse form value: %w: bad compressed form", ErrNotOurs)
		}
		value = string(b)
	}
	var w wireForm
	if err := decode(value, &w); err != nil {
		return OpenForm{}, fmt.Errorf("parse form value: %w", err)
	}
	if w.A == "" {
		return OpenForm{}, fmt.Errorf("parse form value: %w", ErrNotOurs)
	}
	of := OpenForm{Action: bot.ActionRef{ID: w.A, Args: args(w.G)}}
	if w.Again {
		return of, nil
	}
	f := bot.Form{Title: w.Title, Action: of.Action, Submit: w.Submit}
	for _, wi := range w.Inputs {
		in := bot.Input{Name: wi.Name, Label: wi.Label, Kind: bot.InputKind(wi.Kind), Required: wi.Required,
			Placeholder: wi.Placeholder, Value: wi.Value}
		for _, o := range wi.Options {
			in.Options = append(in.Options, bot.Option{Value: o[0], Label: o[1]})
		}
		f.Inputs = append(f.Inputs, in)
	}
	of.Form = &f
	return of, nil
}
