package lark

import (
	"context"

	"github.com/pipbot/pipbot/bot"
)

// People is the tenant directory the adapter refreshes from Feishu's
// contact API (*storage.DB).
type People interface {
	Person(ctx context.Context, tenant, id string) (bot.Person, error)
	SavePerson(ctx context.Context, p bot.Person) error
}
