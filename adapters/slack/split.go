package slack

import (
	"context"
	"fmt"
	"strconv"
)

// deliverMore sends the messages a reply too long for one goes on in,
// after its first went where w says: each a new message in the same place
// (an updated message's channel, the same user's ephemeral view or DM),
// keyed by the reply's key and its place, so a retry sends none twice. It
// returns the last message's ts: the one holding the reply's buttons when
// it ends with them, as the engine's do.
func (s *Sender) deliverMore(ctx context.Context, o Origin, w where, key string, m rendered) (string, error) {
	var ts string
	for i, blocks := range m.more {
		part := rendered{blocks: blocks, text: m.text}
		k := ""
		if key != "" {
			k = key + "#" + strconv.Itoa(i+2)
		}
		var err error
		switch {
		case w.kind == viaEphemeral:
			if ts, err = s.ephemeral(ctx, o.TeamID, w.channel, w.user, part); err != nil && fallsBackToDM(err) {
				ts, err = s.postDM(ctx, o, w.user, k, part)
			}
		case w.channel == "":
			ts, err = s.postDM(ctx, o, w.user, k, part)
		default:
			ts, err = s.post(ctx, o.TeamID, w.channel, k, part)
		}
		if err != nil {
			return "", fmt.Errorf("message %d of %d: %w", i+2, len(m.more)+1, err)
		}
	}
	return ts, nil
}
