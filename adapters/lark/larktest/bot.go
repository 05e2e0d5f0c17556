package larktest

import "net/http"

// The bot of the fake app, as GET /open-apis/bot/v3/info describes it.
const (
	BotOpenID = "ou_fake_bot"
	BotName   = "pipbot"
)

// botInfo answers like the platform: the bot object sits at the top level,
// not under data.
func (s *Server) botInfo(_ *http.Request, _ string) reply {
	return reply{status: http.StatusOK, body: map[string]any{"code": 0, "msg": "ok",
		"bot": map[string]any{"activate_status": 2, "app_name": BotName, "open_id": BotOpenID, "ip_white_list": []string{}}}}
}
