package card

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// Value keys of a button's callback value. The value is only routing: the
// engine authorises whoever clicked, never what the value says.
const (
	keyAction = "action" // engine action id
	keyArgs   = "args"   // map of the action's arguments
	keyForm   = "form"   // "1" on a form's submit button
)

// ErrNoAction means a callback carried no engine action (not our card).
var ErrNoAction = errors.New("card callback without an action")

// ActionValue is the callback value of a button for ref.
func ActionValue(ref bot.ActionRef, form bool) map[string]any {
	args := map[string]any{}
	for k, v := range ref.Args {
		args[k] = v
	}
	v := map[string]any{keyAction: ref.ID, keyArgs: args}
	if form {
		v[keyForm] = "1"
	}
	return v
}

// ParseAction reads a callback's value and form values back into the
// engine's action input; a paged form's values of its other pages come
// from the value (see paginate). Form values are normalised: a date picker's
// "2026-12-03 +0800" becomes "2026-12-03", a person picker's list its first
// open_id, numbers their text.
func ParseAction(value, formValue map[string]any) (*bot.ActionInput, error) {
	id, _ := value[keyAction].(string)
	if id == "" {
		return nil, ErrNoAction
	}
	in := &bot.ActionInput{ID: id, Args: map[string]string{}}
	if args, ok := value[keyArgs].(map[string]any); ok {
		for k, v := range args {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("card callback: argument %q is %T, not a string", k, v)
			}
			in.Args[k] = s
		}
	}
	if f, _ := value[keyForm].(string); f == "1" || formValue != nil {
		in.Values = map[string]string{}
		// A page of a paged form carries the other pages' values; the
		// page's own come in form_value.
		if carry, ok := value[keyValues].(map[string]any); ok {
			for k, v := range carry {
				s, ok := v.(string)
				if !ok {
					return nil, fmt.Errorf("card callback: carried value %q is %T, not a string", k, v)
				}
				in.Values[k] = s
			}
		}
		for k, v := range formValue {
			in.Values[k] = formText(v)
		}
	}
	return in, nil
}

// formText turns one form value into the text the engine reads.
func formText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		// Date pickers answer "2026-12-03 +0800"; datetime pickers
		// "2026-12-03 15:00 +0800". The zone is the reader's, which the
		// engine assumes anyway.
		if i := strings.LastIndex(x, " +"); i > 0 && len(x)-i == 6 {
			return x[:i]
		}
		if i := strings.LastIndex(x, " -"); i > 0 && len(x)-i == 6 {
			return x[:i]
		}
		return x
	case []any:
		if len(x) == 0 {
			return ""
		}
		return formText(x[0])
	case float64:
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%f", x), "0"), ".")
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return fmt.Sprint(v)
}
