package bot_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// memStore is a hand-written in-memory bot.Store for engine tests. It keeps
// copies, scopes everything by tenant and checks versions like the SQL store.
type memStore struct {
	mu          sync.Mutex
	nextID      int64
	plans       map[int64]bot.Plan
	updates     []bot.Update
	ivs         []bot.Interview
	reviews     []bot.Review
	adjs        []bot.Adjustment
	notes       []bot.Note
	audit       []bot.AuditEntry
	people      map[string]bot.Person
	chats       []bot.TeamChat
	effects     map[string][]byte        // event key → recorded replies (nil until recorded)
	risks       map[string]bot.RiskLevel // "tenant|plan id" → last recorded rating (risk_fakes_test.go)
	txs         int                      // transactions committed, to count commits per command
	failSave    error                    // when set, SavePlan fails (to prove nothing changes)
	failReplies error                    // when set, SaveEffectReplies fails (a crash right after the commit)
	panicky     bool                     // when set, ListPlans panics (to prove no panic reaches a user)
	// raced is how many of the next transactions find every plan changed
	// by another writer just before they begin (its version bumped);
	// racedEffect, when set ("tenant|key"), is an event that writer
	// committed (the same event, handled by another worker).
	raced       int
	racedEffect string
}

func newMemStore() *memStore {
	return &memStore{plans: map[int64]bot.Plan{}, people: map[string]bot.Person{}, effects: map[string][]byte{}}
}

func (s *memStore) id() int64 { s.nextID++; return s.nextID }

func clonePlan(p bot.Plan) *bot.Plan {
	p.Problems = slices.Clone(p.Problems)
	for i := range p.Problems {
		p.Problems[i].Causes = slices.Clone(p.Problems[i].Causes)
	}
	p.Goals = slices.Clone(p.Goals)
	p.Actions = slices.Clone(p.Actions)
	for i := range p.Actions {
		p.Actions[i].When.Weekdays = slices.Clone(p.Actions[i].When.Weekdays)
	}
	return &p
}

func (s *memStore) CreatePlan(_ context.Context, p *bot.Plan) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, x := range s.plans {
		if x.Tenant == p.Tenant {
			n = max(n, x.Number)
		}
	}
	p.ID, p.Number, p.Version = s.id(), n+1, 1
	s.plans[p.ID] = *clonePlan(*p)
	return nil
}

func (s *memStore) PlanByNumber(_ context.Context, tenant string, number int) (*bot.Plan, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.plans {
		if p.Tenant == tenant && p.Number == number {
			return clonePlan(p), nil
		}
	}
	return nil, fmt.Errorf("plan %d: %w", number, bot.ErrNotFound)
}

func (s *memStore) PlanByID(_ context.Context, tenant string, id int64) (*bot.Plan, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.plans[id]; ok && p.Tenant == tenant {
		return clonePlan(p), nil
	}
	return nil, fmt.Errorf("plan id %d: %w", id, bot.ErrNotFound)
}

func (s *memStore) SavePlan(_ context.Context, p *bot.Plan) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSave != nil {
		return s.failSave
	}
	old, ok := s.plans[p.ID]
	if !ok || old.Tenant != p.Tenant {
		return bot.ErrNotFound
	}
	if old.Version != p.Version {
		return bot.ErrConflict
	}
	p.Version++
	s.plans[p.ID] = *clonePlan(*p)
	return nil
}

func (s *memStore) ListPlans(_ context.Context, tenant string, q bot.PlanQuery) ([]*bot.Plan, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.panicky {
		panic("index out of range in a driver")
	}
	var out []*bot.Plan
	for _, p := range s.plans {
		switch {
		case p.Tenant != tenant,
			q.EmployeeID != "" && p.EmployeeID != q.EmployeeID,
			q.ManagerID != "" && p.ManagerID != q.ManagerID,
			q.MentorID != "" && p.MentorID != q.MentorID,
			q.InvolvedID != "" && p.EmployeeID != q.InvolvedID && p.ManagerID != q.InvolvedID && p.MentorID != q.InvolvedID,
			len(q.Statuses) > 0 && !slices.Contains(q.Statuses, p.Status),
			q.Outcome != "" && p.Outcome != q.Outcome:
			continue
		}
		out = append(out, clonePlan(p))
	}
	slices.SortFunc(out, func(a, b *bot.Plan) int { return a.Number - b.Number })
	return out, nil
}

func (s *memStore) AddUpdate(_ context.Context, u *bot.Update) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.ID = s.id()
	s.updates = append(s.updates, *u)
	return nil
}

func (s *memStore) Updates(_ context.Context, tenant string, planID int64) ([]bot.Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.updates, func(u bot.Update) bool { return u.Tenant == tenant && u.PlanID == planID }), nil
}

func (s *memStore) LatestUpdates(_ context.Context, tenant string, ids []int64) (map[int64]bot.Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]bot.Update{}
	for _, u := range s.updates {
		if u.Tenant == tenant && slices.Contains(ids, u.PlanID) {
			out[u.PlanID] = u
		}
	}
	return out, nil
}

func (s *memStore) SaveInterview(_ context.Context, iv *bot.Interview) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if iv.ID == 0 {
		iv.ID = s.id()
		iv.No = 1 + len(filter(s.ivs, func(x bot.Interview) bool { return x.PlanID == iv.PlanID }))
		s.ivs = append(s.ivs, *iv)
		return nil
	}
	for i := range s.ivs {
		if s.ivs[i].ID == iv.ID && s.ivs[i].Tenant == iv.Tenant {
			s.ivs[i] = *iv
			return nil
		}
	}
	return bot.ErrNotFound
}

func (s *memStore) Interviews(_ context.Context, tenant string, planID int64) ([]bot.Interview, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.ivs, func(x bot.Interview) bool { return x.Tenant == tenant && x.PlanID == planID }), nil
}

func (s *memStore) AddReview(_ context.Context, r *bot.Review) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.ID = s.id()
	s.reviews = append(s.reviews, *r)
	return nil
}

func (s *memStore) Reviews(_ context.Context, tenant string, planID int64) ([]bot.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.reviews, func(x bot.Review) bool { return x.Tenant == tenant && x.PlanID == planID }), nil
}

func (s *memStore) SaveAdjustment(_ context.Context, a *bot.Adjustment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ID == 0 {
		a.ID = s.id()
		a.No = 1 + len(filter(s.adjs, func(x bot.Adjustment) bool { return x.PlanID == a.PlanID }))
		s.adjs = append(s.adjs, *a)
		return nil
	}
	for i := range s.adjs {
		if s.adjs[i].ID == a.ID && s.adjs[i].Tenant == a.Tenant {
			s.adjs[i] = *a
			return nil
		}
	}
	return bot.ErrNotFound
}

func (s *memStore) Adjustments(_ context.Context, tenant string, planID int64) ([]bot.Adjustment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.adjs, func(x bot.Adjustment) bool { return x.Tenant == tenant && x.PlanID == planID }), nil
}

func (s *memStore) AddNote(_ context.Context, n *bot.Note) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n.ID = s.id()
	s.notes = append(s.notes, *n)
	return nil
}

func (s *memStore) Notes(_ context.Context, tenant string, planID int64) ([]bot.Note, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.notes, func(x bot.Note) bool { return x.Tenant == tenant && x.PlanID == planID }), nil
}

func (s *memStore) PlanRecords(ctx context.Context, tenant string, planIDs []int64) (map[int64]*bot.PlanLogs, error) {
	out := map[int64]*bot.PlanLogs{}
	for _, id := range planIDs {
		l := &bot.PlanLogs{}
		l.Notes, _ = s.Notes(ctx, tenant, id)
		l.Updates, _ = s.Updates(ctx, tenant, id)
		l.Interviews, _ = s.Interviews(ctx, tenant, id)
		out[id] = l
	}
	return out, nil
}

func (s *memStore) InterviewsOfPlans(_ context.Context, tenant string, planIDs []int64) ([]bot.Interview, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.ivs, func(x bot.Interview) bool { return x.Tenant == tenant && slices.Contains(planIDs, x.PlanID) }), nil
}

func (s *memStore) AppendAudit(_ context.Context, e *bot.AuditEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.ID = s.id()
	var seq int64
	prev := ""
	for _, x := range s.audit {
		if x.Tenant == e.Tenant {
			seq, prev = x.Seq, x.Hash
		}
	}
	e.Seal(seq+1, prev)
	s.audit = append(s.audit, *e)
	return nil
}

// VerifyAudit walks the tenant's whole chain (the fake keeps no head row:
// a removed newest entry goes unnoticed here, unlike in storage).
func (s *memStore) VerifyAudit(_ context.Context, tenant string, _ int64) (bot.AuditCheck, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := bot.AuditCheck{Tenant: tenant}
	prev, seq := "", int64(0)
	for _, x := range s.audit {
		if x.Tenant != tenant {
			continue
		}
		c.Checked++
		seq++
		switch {
		case x.Seq > seq:
			c.Broken, c.BrokenSeq = "missing", seq
			return c, nil
		case x.ComputeHash() != x.Hash:
			c.Broken = "hash"
		case x.Seq != seq || x.PrevHash != prev:
			c.Broken = "link"
		}
		if c.Broken != "" {
			c.BrokenSeq, c.BrokenID = x.Seq, x.ID
			return c, nil
		}
		prev = x.Hash
	}
	return c, nil
}

func (s *memStore) Audit(_ context.Context, tenant string, planID int64) ([]bot.AuditEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.audit, func(x bot.AuditEntry) bool { return x.Tenant == tenant && x.PlanID == planID }), nil
}

func (s *memStore) SavePerson(_ context.Context, p bot.Person) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.people[p.Tenant+"/"+p.ID] = p
	return nil
}

func (s *memStore) Person(_ context.Context, tenant, id string) (bot.Person, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.people[tenant+"/"+id]; ok {
		return p, nil
	}
	return bot.Person{}, bot.ErrNotFound
}

func (s *memStore) People(_ context.Context, tenant string) ([]bot.Person, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Person
	for _, p := range s.people {
		if p.Tenant == tenant {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b bot.Person) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return out, nil
}

// InTx runs fn against a snapshot and restores it when fn fails, so a
// failed command leaves nothing behind, like a SQL rollback.
func (s *memStore) InTx(ctx context.Context, fn func(tx bot.Store) error) error {
	s.mu.Lock()
	if s.raced > 0 {
		s.raced--
		for id, p := range s.plans {
			p.Version++
			s.plans[id] = p
		}
		if s.racedEffect != "" {
			s.effects[s.racedEffect] = nil
		}
	}
	snap := s.snapshot()
	s.mu.Unlock()
	if err := fn(s); err != nil {
		s.mu.Lock()
		s.restore(snap)
		s.mu.Unlock()
		return err
	}
	s.mu.Lock()
	s.txs++
	s.mu.Unlock()
	return nil
}

func (s *memStore) Effect(_ context.Context, tenant, key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.effects[tenant+"|"+key]
	return raw, ok, nil
}

func (s *memStore) RecordEffect(_ context.Context, tenant, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.effects[tenant+"|"+key]; ok {
		return errors.New("effect already recorded")
	}
	s.effects[tenant+"|"+key] = nil
	return nil
}

func (s *memStore) SaveEffectReplies(_ context.Context, tenant, key string, raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failReplies != nil {
		return s.failReplies
	}
	s.effects[tenant+"|"+key] = raw
	return nil
}

type memSnap struct {
	plans   map[int64]bot.Plan
	updates []bot.Update
	ivs     []bot.Interview
	reviews []bot.Review
	adjs    []bot.Adjustment
	notes   []bot.Note
	audit   []bot.AuditEntry
	effects map[string][]byte
	risks   map[string]bot.RiskLevel
}

func (s *memStore) snapshot() memSnap {
	plans := make(map[int64]bot.Plan, len(s.plans))
	for k, v := range s.plans {
		plans[k] = *clonePlan(v)
	}
	return memSnap{plans, slices.Clone(s.updates), slices.Clone(s.ivs), slices.Clone(s.reviews), slices.Clone(s.adjs), slices.Clone(s.notes), slices.Clone(s.audit), maps.Clone(s.effects), maps.Clone(s.risks)}
}

func (s *memStore) restore(m memSnap) {
	s.plans, s.updates, s.ivs, s.reviews, s.adjs, s.notes, s.audit, s.effects, s.risks = m.plans, m.updates, m.ivs, m.reviews, m.adjs, m.notes, m.audit, m.effects, m.risks
}

func filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// memSessions is an in-memory bot.Sessions with a fake clock for TTLs.
type memSessions struct {
	mu   sync.Mutex
	now  func() time.Time
	vals map[string]memVal
	down error // when set, every call fails with it, as an unreachable Redis
}

type memVal struct {
	v   []byte
	exp time.Time
}

func newMemSessions(now func() time.Time) *memSessions {
	return &memSessions{now: now, vals: map[string]memVal{}}
}

func (m *memSessions) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down != nil {
		return nil, false, m.down
	}
	v, ok := m.vals[key]
	if !ok || !m.now().Before(v.exp) {
		return nil, false, nil
	}
	return v.v, true, nil
}

func (m *memSessions) Set(_ context.Context, key string, v []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down != nil {
		return m.down
	}
	m.vals[key] = memVal{v, m.now().Add(ttl)}
	return nil
}

func (m *memSessions) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down != nil {
		return m.down
	}
	delete(m.vals, key)
	return nil
}

func (s *memStore) BindTeamChat(_ context.Context, c bot.TeamChat) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.chats {
		if s.chats[i].Tenant == c.Tenant && s.chats[i].ChatID == c.ChatID {
			s.chats[i] = c
			return nil
		}
	}
	s.chats = append(s.chats, c)
	return nil
}

func (s *memStore) UnbindTeamChat(_ context.Context, tenant, chatID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats = filter(s.chats, func(c bot.TeamChat) bool { return c.Tenant != tenant || c.ChatID != chatID })
	return nil
}

func (s *memStore) TeamChats(_ context.Context, tenant, managerID string) ([]bot.TeamChat, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.chats, func(c bot.TeamChat) bool { return c.Tenant == tenant && (managerID == "" || c.ManagerID == managerID) }), nil
}
