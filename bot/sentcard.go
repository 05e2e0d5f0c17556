package bot

import (
	"context"
	"strconv"
	"time"
)

// SentCard is a card a platform adapter sent and keeps track of because
// the platform limits how long it stays usable (Feishu: 14 days to click or
// update a card). Kind names the action it still waits for ("plan.approve",
// "plan.ack", "outcome.confirm", "adjust.confirm"); "" for a card that waits
// for nothing (a status card) and is tracked only so a late click on it is
// answered with a new card. Reply is the reply it showed (MarshalReplies of
// one reply), to show it again.
type SentCard struct {
	ID            int64
	Tenant        string // the engine's tenant ("lark:<tenant_key>")
	RecipientType string // "open_id" or "chat_id"
	Recipient     string
	Plan          int // the plan's number; 0 when none
	Kind          string
	MessageID     string
	SentAt        time.Time
	Generation    int    // how many times it was sent again
	PrevMessageID string // the card this one replaced, when Generation > 0
	Reply         []byte
	ResolvedAt    time.Time // zero while it waits
	Attempts      int
	LeaseOwner    string
	LeaseUntil    time.Time
}

// Awaited answers whether personID still has action to take on the plan
// number of tenant, that is whether their card of the plan still offers
// that button; when it does and the action is one of the plan card's, card
// is the plan card as it is now, to send in place of an old one. A plan that
// is gone, closed or cancelled awaits nothing. For actions of other cards
// (an adjustment to confirm) it answers true with no card while the plan
// still runs.
func (e *Engine) Awaited(ctx context.Context, tenant string, number int, action, personID string) (card *Message, awaited bool, err error) {
	p, err := e.store.PlanByNumber(ctx, tenant, number)
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, false, nil
		}
		return nil, false, err
	}
	switch p.Status {
	case StatusClosed, StatusCancelled, StatusDeleted:
		return nil, false, nil
	}
	isHR := e.isHR(ctx, tenant, personID)
	roles := e.rolesOf(ctx, p, personID, isHR)
	l, _ := e.prefs(e.person(ctx, tenant, personID))
	offered := false
	for _, b := range planButtons(l, p, roles) {
		if b.Action.ID == action && b.Action.Args["plan"] == strconv.Itoa(number) {
			offered = true
		}
	}
	switch action {
	case "plan.approve", "plan.ack", "outcome.confirm":
		if !offered {
			return nil, false, nil
		}
		m := e.planCard(ctx, p, personID, isHR)
		return &m, true, nil
	}
	return nil, true, nil
}
