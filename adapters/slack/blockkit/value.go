package blockkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pipbot/pipbot/bot"
)

// Action ids of the buttons Render makes: "pip:<action>:<n>" for an engine
// action, "pip.form:<action>:<n>" for an "open form" button; n numbers the
// buttons of a message, so ids are unique in it. The value, not the id,
// says what to run; the id only tells our buttons from others.
const (
	actionPrefix = "pip:"
	formPrefix   = "pip.form:"
	maxValue     = 2000 // a button's value
	maxActionID  = 255
)

// Errors of reading values back.
var (
	// ErrNotOurs means an action id or value was not made by this package.
	ErrNotOurs = errors.New("slack action not made by pipbot")
	// ErrFormButton means ParseAction was given an "open form" button,
	// which ParseForm reads.
	ErrFormButton = errors.New("slack action is an open-form button")
	// ErrTooLong means a value would exceed what Slack lets it carry.
	ErrTooLong = errors.New("value too long for Slack")
)

// wireRef is an ActionRef as buttons and modals carry it: {"a":id,"g":args}.
type wireRef struct {
	A string            `json:"a"`
	G map[string]string `json:"g,omitempty"`
}

// ActionValue is the value of a button that runs ref: compact JSON
// {"a":id,"g":{args}}, at most 2000 bytes or ErrTooLong.
func ActionValue(ref bot.ActionRef) (string, error) {
	if ref.ID == "" {
		return "", fmt.Errorf("action value: %w: no action id", ErrNotOurs)
	}
	return encode(wireRef{A: ref.ID, G: ref.Args}, maxValue)
}

// ParseAction reads a clicked button of ours back into the engine's action
// input: its id and arguments, and nil Values, since a click is not a
// submission. Another app's button gives ErrNotOurs; an "open form"
// button gives ErrFormButton (see ParseForm).
func ParseAction(actionID, value string) (*bot.ActionInput, error) {
	if IsFormButton(actionID) {
		return nil, ErrFormButton
	}
	if !strings.HasPrefix(actionID, actionPrefix) {
		return nil, ErrNotOurs
	}
	var w wireRef
	if err := decode(value, &w); err != nil {
		return nil, fmt.Errorf("parse action %q: %w", actionID, err)
	}
	if w.A == "" {
		return nil, fmt.Errorf("parse action %q: %w", actionID, ErrNotOurs)
	}
	return &bot.ActionInput{ID: w.A, Args: args(w.G)}, nil
}

// IsFormButton says whether a clicked action id is an "open form" button.
func IsFormButton(actionID string) bool { return strings.HasPrefix(actionID, formPrefix) }

// actionID is prefix + the engine action + n, within Slack's 255
// characters (counted as bytes, to be safe). A cut id is harmless: the
// value says what to run.
func actionID(prefix, id string, n int) string {
	suffix := ":" + strconv.Itoa(n)
	if room := maxActionID - len(prefix) - len(suffix); len(id) > room {
		for room > 0 && !utf8.RuneStart(id[room]) {
			room--
		}
		id = id[:room]
	}
	return prefix + id + suffix
}

// Metadata is what a modal carries in private_metadata, so its submission
// can be routed: the form's action and where the form was asked for (the
// channel and message to answer in or update).
type Metadata struct {
	Action    bot.ActionRef
	Channel   string
	MessageTS string
	// Values are what was entered on the earlier pages of a form too
	// large for one modal (see Modal); ParseView adds them to the page's.
	Values map[string]string
}

// wireMeta is Metadata as private_metadata holds it.
type wireMeta struct {
	wireRef
	C string            `json:"c,omitempty"`
	M string            `json:"m,omitempty"`
	V map[string]string `json:"v,omitempty"`
	Z string            `json:"z,omitempty"` // V packed, when plain it is too long
}

// maxMetadata is the length of a view's private_metadata.
const maxMetadata = 3000

// MetadataValue is m as a modal's private_metadata: compact JSON of at
// most 3000 bytes, or ErrTooLong.
func MetadataValue(m Metadata) (string, error) {
	if m.Action.ID == "" {
		return "", fmt.Errorf("modal metadata: %w: no action id", ErrNotOurs)
	}
	w := wireMeta{wireRef: wireRef{A: m.Action.ID, G: m.Action.Args}, C: m.Channel, M: m.MessageTS, V: m.Values}
	s, err := encode(w, maxMetadata)
	if err == nil || len(m.Values) == 0 {
		return s, err
	}
	if w.Z, err = pack(m.Values); err != nil {
		return "", err
	}
	w.V = nil
	return encode(w, maxMetadata)
}

// ParseMetadata reads a submitted modal's private_metadata back.
func ParseMetadata(s string) (Metadata, error) {
	var w wireMeta
	if err := decode(s, &w); err != nil {
		return Metadata{}, fmt.Errorf("parse modal metadata: %w", err)
	}
	if w.A == "" {
		return Metadata{}, fmt.Errorf("parse modal metadata: %w", ErrNotOurs)
	}
	if w.Z != "" {
		v, err := unpack(w.Z)
		if err != nil {
			return Metadata{}, fmt.Errorf("parse modal metadata: %w: %v", ErrNotOurs, err)
		}
		w.V = v
	}
	return Metadata{Action: bot.ActionRef{ID: w.A, Args: args(w.G)}, Channel: w.C, MessageTS: w.M, Values: w.V}, nil
}

// encode is v as compact JSON (no HTML escaping, which only lengthens it),
// refused when longer than limit. Values are measured in UTF-8 bytes,
// never fewer than the characters Slack counts, so a value that fits here
// fits there whichever way Slack counts.
func encode(v any, limit int) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encode slack value: %w", err)
	}
	s := strings.TrimSuffix(b.String(), "\n")
	if n := len(s); n > limit {
		return "", fmt.Errorf("encode slack value: %w: %d characters, over %d", ErrTooLong, n, limit)
	}
	return s, nil
}

// decode reads JSON that one of our values holds, refusing anything else.
func decode(s string, v any) error {
	if !strings.HasPrefix(s, "{") {
		return ErrNotOurs
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrNotOurs, err)
	}
	return nil
}

// args is never nil, so the engine can read and add arguments freely.
func args(g map[string]string) map[string]string {
	if g == nil {
		return map[string]string{}
	}
	return g
}
