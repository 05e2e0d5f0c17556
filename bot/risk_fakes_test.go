package bot_test

import (
	"context"
	"strconv"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// RiskLevels and MarkRisk keep the last rating per plan like the SQL
// store: MarkRisk is a compare-and-swap under the store's lock.

func (s *memStore) RiskLevels(_ context.Context, tenant string, ids []int64) (map[int64]bot.RiskLevel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]bot.RiskLevel{}
	for _, id := range ids {
		if l, ok := s.risks[tenant+"|"+strconv.FormatInt(id, 10)]; ok {
			out[id] = l
		}
	}
	return out, nil
}

func (s *memStore) MarkRisk(_ context.Context, tenant string, id int64, level bot.RiskLevel, _ time.Time) (bot.RiskLevel, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := tenant + "|" + strconv.FormatInt(id, 10)
	prev, ok := s.risks[k]
	if ok && prev == level {
		return prev, false, nil
	}
	if s.risks == nil {
		s.risks = map[string]bot.RiskLevel{}
	}
	s.risks[k] = level
	return prev, true, nil
}
