package bot

import "context"

// helpTopics lists the commands in the help card, each with an example per language.
var helpTopics = []string{"new", "plans", "show", "update", "submit", "decide", "ack", "edit", "problem", "action", "track", "export", "interview", "team", "review", "adjust", "close", "mentor", "hr", "bind", "lang"}

// cmdHelp lists every command with an example in the reader's language.
func (e *Engine) cmdHelp(ctx context.Context, r *request, _ []string) ([]Reply, error) {
	m := Message{Title: r.tr("help.title"), Color: ColorBlue, Blocks: []Block{Text{Body: r.tr("help.intro")}}}
	var f Fields
	for _, t := range helpTopics {
		f = append(f, Field{r.tr("help." + t + ".label"), r.tr("help." + t)})
	}
	m.Blocks = append(m.Blocks, f, Buttons{
		{Label: r.tr("btn.new"), Action: ActionRef{ID: "plan.new"}, Style: StylePrimary},
		{Label: r.tr("btn.new_form"), Action: ActionRef{ID: "plan.new", Args: map[string]string{"form": "1"}}},
		{Label: r.tr("btn.my_plans"), Action: ActionRef{ID: "plan.list"}},
		{Label: r.tr("btn.team"), Action: ActionRef{ID: "team.show"}},
	}, Context(r.tr("help.footer")))
	return []Reply{groupSafe(r.reply(m))}, nil
}

func (e *Engine) actHelp(ctx context.Context, r *request, _ *ActionInput) ([]Reply, error) {
	return e.cmdHelp(ctx, r, nil)
}
