package bot

import (
	"context"
	"maps"
)

// ArgPage is the action argument of a page turn in a form too large for
// one card or modal. Adapters split such a form into pages and give each
// page's "previous" and "next" the form's action with ArgPage set (what
// page to show, in the adapter's own terms) and every value entered so
// far, on this page and the others; the final submit carries them all
// without ArgPage. The engine only hands the value back.
const ArgPage = "_page"

// turnPage answers a page turn of the form of action h: the form is built
// again as when it was opened (the action without values), every value
// entered so far put in as its inputs' values, and ArgPage kept in its
// action so the adapter shows the page asked for, in place of the page
// clicked. Nothing is stored: a page turn only shows the form again.
func (e *Engine) turnPage(ctx context.Context, r *request, h actionHandler, in *ActionInput) ([]Reply, error) {
	open := &ActionInput{ID: in.ID, Args: maps.Clone(in.Args)}
	delete(open.Args, ArgPage)
	replies, err := h(e, ctx, r, open)
	if err != nil {
		return nil, err
	}
	for _, rep := range replies {
		for j, b := range rep.Message.Blocks {
			f, ok := b.(Form)
			if !ok || f.Action.ID != in.ID {
				continue
			}
			f.Inputs = filled(f.Inputs, in.Values)
			f.Action.Args = maps.Clone(f.Action.Args)
			if f.Action.Args == nil {
				f.Action.Args = map[string]string{}
			}
			f.Action.Args[ArgPage] = in.Args[ArgPage]
			blocks := append([]Block(nil), rep.Message.Blocks...)
			blocks[j] = f
			rep.Message.Blocks = blocks
			rep.Replace = true
			return []Reply{rep}, nil
		}
	}
	return nil, Errorf(EINVALID, "err.unknown_action")
}

// filled is inputs with each value entered (present in values, even
// empty) in place of the initial one.
func filled(inputs []Input, values map[string]string) []Input {
	out := append([]Input(nil), inputs...)
	for i, in := range out {
		if v, ok := values[in.Name]; ok {
			out[i].Value = v
		}
	}
	return out
}
