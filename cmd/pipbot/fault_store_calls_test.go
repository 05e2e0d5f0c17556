package main

import (
	"context"

	"github.com/pipbot/pipbot/bot"
)

// The rest of the store: each call fails while the database is cut off,
// and blocks once the process was killed (see faults.before).

func (s *faultStore) CreatePlan(ctx context.Context, p *bot.Plan) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.CreatePlan(ctx, p)
}

func (s *faultStore) PlanByNumber(ctx context.Context, tenant string, number int) (*bot.Plan, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.PlanByNumber(ctx, tenant, number)
}

func (s *faultStore) PlanByID(ctx context.Context, tenant string, id int64) (*bot.Plan, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.PlanByID(ctx, tenant, id)
}

func (s *faultStore) SavePlan(ctx context.Context, p *bot.Plan) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.SavePlan(ctx, p)
}

func (s *faultStore) ListPlans(ctx context.Context, tenant string, q bot.PlanQuery) ([]*bot.Plan, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.ListPlans(ctx, tenant, q)
}

func (s *faultStore) AddUpdate(ctx context.Context, u *bot.Update) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.AddUpdate(ctx, u)
}

func (s *faultStore) Updates(ctx context.Context, tenant string, planID int64) ([]bot.Update, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.Updates(ctx, tenant, planID)
}

func (s *faultStore) LatestUpdates(ctx context.Context, tenant string, planIDs []int64) (map[int64]bot.Update, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.LatestUpdates(ctx, tenant, planIDs)
}

func (s *faultStore) SaveInterview(ctx context.Context, iv *bot.Interview) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.SaveInterview(ctx, iv)
}

func (s *faultStore) Interviews(ctx context.Context, tenant string, planID int64) ([]bot.Interview, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.Interviews(ctx, tenant, planID)
}

func (s *faultStore) AddReview(ctx context.Context, r *bot.Review) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.AddReview(ctx, r)
}

func (s *faultStore) Reviews(ctx context.Context, tenant string, planID int64) ([]bot.Review, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.Reviews(ctx, tenant, planID)
}

func (s *faultStore) SaveAdjustment(ctx context.Context, a *bot.Adjustment) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.SaveAdjustment(ctx, a)
}

func (s *faultStore) Adjustments(ctx context.Context, tenant string, planID int64) ([]bot.Adjustment, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.Adjustments(ctx, tenant, planID)
}

func (s *faultStore) AddNote(ctx context.Context, n *bot.Note) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.AddNote(ctx, n)
}

func (s *faultStore) Notes(ctx context.Context, tenant string, planID int64) ([]bot.Note, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.Notes(ctx, tenant, planID)
}

func (s *faultStore) AppendAudit(ctx context.Context, e *bot.AuditEntry) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.AppendAudit(ctx, e)
}

func (s *faultStore) Audit(ctx context.Context, tenant string, planID int64) ([]bot.AuditEntry, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.Audit(ctx, tenant, planID)
}

func (s *faultStore) VerifyAudit(ctx context.Context, tenant string, planID int64) (bot.AuditCheck, error) {
	if err := s.f.before(); err != nil {
		return bot.AuditCheck{}, err
	}
	return s.Store.VerifyAudit(ctx, tenant, planID)
}

func (s *faultStore) SavePerson(ctx context.Context, p bot.Person) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.SavePerson(ctx, p)
}

func (s *faultStore) Person(ctx context.Context, tenant, id string) (bot.Person, error) {
	if err := s.f.before(); err != nil {
		return bot.Person{}, err
	}
	return s.Store.Person(ctx, tenant, id)
}

func (s *faultStore) People(ctx context.Context, tenant string) ([]bot.Person, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.People(ctx, tenant)
}

func (s *faultStore) BindTeamChat(ctx context.Context, c bot.TeamChat) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.BindTeamChat(ctx, c)
}

func (s *faultStore) UnbindTeamChat(ctx context.Context, tenant, chatID string) error {
	if err := s.f.before(); err != nil {
		return err
	}
	return s.Store.UnbindTeamChat(ctx, tenant, chatID)
}

func (s *faultStore) TeamChats(ctx context.Context, tenant, managerID string) ([]bot.TeamChat, error) {
	if err := s.f.before(); err != nil {
		return nil, err
	}
	return s.Store.TeamChats(ctx, tenant, managerID)
}
