package lark

import (
	"context"
	"encoding/json"
	"fmt"

	lark "github.com/larksuite/oapi-sdk-go/v3"
	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
)

// BotInfo asks Feishu who the app's bot is, so the adapter can tell the
// messages in a group that mention it from those that mention others.
func BotInfo(ctx context.Context, c *lark.Client) (openID, name string, err error) {
	resp, err := c.Get(ctx, "/open-apis/bot/v3/info", nil, larkcore.AccessTokenTypeTenant)
	if err != nil {
		return "", "", fmt.Errorf("bot info: %w", err)
	}
	var body struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
		Bot  struct {
			OpenID  string `json:"open_id"`
			AppName string `json:"app_name"`
		} `json:"bot"`
	}
	if err := json.Unmarshal(resp.RawBody, &body); err != nil {
		return "", "", fmt.Errorf("bot info: decode: %w", err)
	}
	if body.Code != 0 || body.Bot.OpenID == "" {
		return "", "", &APIError{Op: "bot info", Status: resp.StatusCode, Code: body.Code, Msg: body.Msg}
	}
	return body.Bot.OpenID, body.Bot.AppName, nil
}
