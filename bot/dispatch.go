package bot

import "context"

// dispatch routes a command to its handler. Placeholder until the command
// table lands.
func (e *Engine) dispatch(ctx context.Context, cmd Command) ([]Reply, string, error) {
	return []Reply{{Message: Message{Blocks: []Block{Text{Body: "pipbot"}}}}}, "help", nil
}

func (e *Engine) errorReply(ctx context.Context, cmd Command, err error) Reply {
	return Reply{Message: Message{Blocks: []Block{Text{Body: err.Error()}}}}
}
