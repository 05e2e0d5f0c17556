package scheduler

import (
	"context"

	"github.com/pipbot/pipbot/bot"
)

// walkPlanning is walk with planGroup, its two halves overlapped: while
// one group's rows are written, the next page is read and its rows
// computed, so a pass over many plans keeps the database and the planner
// busy at once instead of in turn. The writes keep the walk's order; a
// group that fails to prepare or to write is logged and collected in errs
// as walk does, and the walk goes on.
func (pl *Planner) walkPlanning(ctx context.Context, rn *run, page func(after int64) ([]*bot.Plan, error)) (errs []error, err error) {
	groups := make(chan groupRows) // one group written, one waiting: no more in memory
	written := make(chan []error, 1)
	go func() {
		var werrs []error
		for g := range groups {
			if err := pl.writeGroup(ctx, rn, g); err != nil {
				if ctx.Err() == nil {
					pl.log.ErrorContext(ctx, "plan reminders failed", "tenant", g.tenant, "err", err)
				}
				werrs = append(werrs, err)
			}
		}
		written <- werrs
	}()
	errs, err = pl.walk(ctx, rn, page, func(ctx context.Context, rn *run, tenant string, plans []*bot.Plan) error {
		g, err := pl.prepareGroup(ctx, rn, tenant, plans)
		if err != nil {
			return err
		}
		select {
		case groups <- g:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(groups)
	errs = append(errs, <-written...)
	if err == nil {
		err = ctx.Err()
	}
	return errs, err
}
