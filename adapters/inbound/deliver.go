package inbound

import (
	"context"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// pendingReplies are an event's replies that the engine produced but that
// could not be delivered: when the delivery's lease runs out and this
// process claims it again, they are delivered again (the senders keep that
// idempotent: Feishu's uuid, Slack's sent markers) instead of running the
// engine a second time.
type pendingReplies[O any] struct {
	origin   O
	replies  []bot.Reply
	attempts int
	then     func(context.Context)
	since    time.Time
}

// pendingTTL bounds how long undelivered replies are kept for a retry; a
// delivery another replica took over never comes back here.
const pendingTTL = time.Hour

// complete delivers replies and marks the delivery handled, then runs then.
// A failure the platform calls retryable keeps the replies for a retry
// after the lease, up to Tuning.MaxAttempts deliveries; any other (say,
// private content aimed at a group) is not retried.
func (p *Pipeline[O]) complete(ctx context.Context, d bot.Delivery, o O, replies []bot.Reply, attempts int, then func(context.Context)) {
	if len(replies) > 0 {
		dctx, cancel := context.WithTimeout(ctx, p.tune.Deliver)
		err := p.platform.Deliver(dctx, o, replies)
		cancel()
		if err != nil {
			attempts++
			if attempts < p.tune.MaxAttempts && p.platform.Retryable(err) {
				p.log.WarnContext(ctx, "deliver replies, will retry", "tenant", d.Tenant, "delivery", d.ID,
					"attempt", attempts, "err", err)
				p.setPending(d.ID, &pendingReplies[O]{origin: o, replies: replies, attempts: attempts, then: then})
				return
			}
			p.log.ErrorContext(ctx, "deliver replies, giving up", "tenant", d.Tenant, "delivery", d.ID, "err", err)
		}
	}
	p.Finish(ctx, d)
	if then != nil {
		then(ctx)
	}
}

func (p *Pipeline[O]) setPending(id int64, pr *pendingReplies[O]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pr.since = time.Now()
	for k, v := range p.pending {
		if time.Since(v.since) > pendingTTL {
			delete(p.pending, k)
		}
	}
	p.pending[id] = pr
}

func (p *Pipeline[O]) takePending(id int64) *pendingReplies[O] {
	p.mu.Lock()
	defer p.mu.Unlock()
	pr := p.pending[id]
	delete(p.pending, id)
	return pr
}

// Pending reports whether replies of delivery id wait for a retry.
func (p *Pipeline[O]) Pending(id int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pending[id] != nil
}
