package check

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// The repository's top level, where compose.yaml and .env.example live.
var (
	repoRoot    = filepath.Join("..", "..")
	composeFile = filepath.Join(repoRoot, "compose.yaml")
	envExample  = filepath.Join(repoRoot, ".env.example")
)

// exampleEnv reads .env.example: every variable it names, set (NAME=…) or
// commented out (#NAME=…), with the value given.
func exampleEnv(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(envExample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := regexp.MustCompile(`^#?([A-Z][A-Z0-9_]*)=(.*)$`)
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := line.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			vars[m[1]] = m[2]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return vars
}

// composeVars lists the variables compose.yaml interpolates (${NAME…}).
func composeVars(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)`).FindAllStringSubmatch(string(data), -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

// loadCompose loads compose.yaml as `docker compose` does, with env as the
// interpolation environment and every profile on. The env_file entries are
// not read (no .env exists in the repository).
func loadCompose(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	data, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	return loader.LoadWithContext(t.Context(), types.ConfigDetails{
		WorkingDir:  abs,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(abs, "compose.yaml"), Content: data}},
		Environment: env,
	}, loader.WithProfiles([]string{"*"}), func(o *loader.Options) {
		o.SkipResolveEnvironment = true
		o.SetProjectName("pipbot", true)
	})
}

// TestEnvExample: .env.example names every variable package config reads
// and every one compose.yaml interpolates, nothing else, and gives no
// credential a value.
func TestEnvExample(t *testing.T) {
	vars := exampleEnv(t)
	known := append(append([]string{fileVar}, configVars(t)...), composeVars(t)...)
	for _, name := range known {
		if _, ok := vars[name]; !ok {
			t.Errorf(".env.example does not list %s", name)
		}
	}
	for name := range vars {
		if !slices.Contains(known, name) {
			t.Errorf(".env.example lists %s, which neither pipbot nor compose.yaml reads", name)
		}
	}
	for _, name := range append(secretVars(t), "POSTGRES_PASSWORD", "REDIS_PASSWORD", "GRAFANA_ADMIN_PASSWORD") {
		if v := vars[name]; v != "" && !strings.Contains(v, "PASSWORD") {
			t.Errorf(".env.example gives the credential %s the value %q; leave it empty", name, v)
		}
	}
}

// TestCompose: two replicas after a one-off migration, PostgreSQL and
// Redis with health checks and volumes, credentials from .env, the proxy
// for the callbacks, and Prometheus and Grafana only in the monitoring
// profile, with every file they mount present.
func TestCompose(t *testing.T) {
	env := exampleEnv(t)
	env["POSTGRES_PASSWORD"], env["REDIS_PASSWORD"] = "pgsecret0123", "redissecret0123"
	p, err := loadCompose(t, env)
	if err != nil {
		t.Fatalf("load compose.yaml: %v", err)
	}
	svc := func(name string) types.ServiceConfig {
		t.Helper()
		s, ok := p.Services[name]
		if !ok {
			t.Fatalf("compose.yaml has no service %s (has %v)", name, slices.Sorted(func(yield func(string) bool) {
				for n := range p.Services {
					if !yield(n) {
						return
					}
				}
			}))
		}
		return s
	}
	for _, name := range []string{"postgres", "redis"} {
		s := svc(name)
		if s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 {
			t.Errorf("%s has no health check", name)
		}
		if !slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Type == types.VolumeTypeVolume }) {
			t.Errorf("%s keeps its data in no named volume: %+v", name, s.Volumes)
		}
	}
	migrate := svc("migrate")
	if got := strings.Join(migrate.Command, " "); got != "migrate" || migrate.Restart != "no" {
		t.Errorf("migrate runs %q with restart %q, want migrate once", got, migrate.Restart)
	}
	if c := migrate.DependsOn["postgres"].Condition; c != types.ServiceConditionHealthy {
		t.Errorf("migrate waits for postgres to be %q", c)
	}
	var replicas int
	for name, s := range p.Services {
		if !strings.HasPrefix(name, "pipbot-") {
			continue
		}
		replicas++
		if got := strings.Join(s.Command, " "); got != "serve" {
			t.Errorf("%s runs %q", name, got)
		}
		want := map[string]string{"migrate": types.ServiceConditionCompletedSuccessfully,
			"postgres": types.ServiceConditionHealthy, "redis": types.ServiceConditionHealthy}
		for dep, cond := range want {
			if got := s.DependsOn[dep].Condition; got != cond {
				t.Errorf("%s depends on %s with condition %q, want %q", name, dep, got, cond)
			}
		}
	}
	if replicas != 2 {
		t.Errorf("%d pipbot replicas, want 2", replicas)
	}
	for _, name := range []string{"migrate", "pipbot-1", "pipbot-2"} {
		s := svc(name)
		if len(s.EnvFiles) != 1 || filepath.Base(s.EnvFiles[0].Path) != ".env" {
			t.Errorf("%s reads env files %+v, want .env", name, s.EnvFiles)
		}
		db := s.Environment["PIPBOT_DB"]
		if db == nil || !strings.Contains(*db, "pgsecret0123@postgres:5432") {
			t.Errorf("%s PIPBOT_DB = %v, want the bundled PostgreSQL with POSTGRES_PASSWORD", name, db)
		}
		if r := s.Environment["PIPBOT_REDIS"]; r == nil || !strings.Contains(*r, "redissecret0123@redis:6379") {
			t.Errorf("%s PIPBOT_REDIS = %v, want the bundled Redis with REDIS_PASSWORD", name, r)
		}
	}
	if proxy := svc("proxy"); len(proxy.Ports) != 1 || proxy.Ports[0].Target != 8080 {
		t.Errorf("proxy ports = %+v", proxy.Ports)
	}
	for name, s := range p.Services {
		monitoring := name == "prometheus" || name == "grafana"
		if monitoring != slices.Contains(s.Profiles, "monitoring") {
			t.Errorf("%s has profiles %v", name, s.Profiles)
		}
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("%s mounts %s, which is not in the repository: %v", name, v.Source, err)
			}
		}
	}
	if len(p.Services) != 8 {
		t.Errorf("%d services, want postgres, redis, migrate, 2 replicas, proxy, prometheus, grafana", len(p.Services))
	}

	delete(env, "POSTGRES_PASSWORD")
	if _, err := loadCompose(t, env); err == nil || !strings.Contains(err.Error(), "set POSTGRES_PASSWORD in .env") {
		t.Errorf("compose.yaml without POSTGRES_PASSWORD: %v, want it refused by name", err)
	}
}
