package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestChatHelp(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the demo database goes, to see it removed
	env := map[string]string{
		// A demo never touches the configured database or Redis.
		"PIPBOT_DB":    "sqlite://" + filepath.Join(tmp, "no", "such", "dir", "real.db"),
		"PIPBOT_REDIS": "redis://127.0.0.1:1/0",
	}
	out, errOut, err := runCmd(t, t.Context(), env, "帮助\n/quit\n", "chat")
	if err != nil {
		t.Fatalf("chat: %v\nstderr: %s", err, errOut)
	}
	for _, want := range []string{
		"pipbot 终端演示 · terminal demo",
		"/as 王经理",
		"] > 帮助",        // echoed, since stdin is not a terminal
		"pipbot 绩效改进助手", // the help card's title
		"[1] 新建计划",      // its buttons
		"] > /quit",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if errOut != "" {
		t.Errorf("stderr is not empty: %s", errOut)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("demo left %v behind in the temp dir", left)
	}
}

func TestChatEnglish(t *testing.T) {
	out, _, err := runCmd(t, t.Context(), map[string]string{"PIPBOT_LOCALE": "en"}, "help\n", "chat")
	if err != nil {
		t.Fatalf("chat: %v", err)
	}
	if !strings.Contains(out, "pipbot, the improvement-plan assistant") {
		t.Errorf("no English help card:\n%s", out)
	}
}

// TestChatDemoOrg checks the seeding: the engine knows 林HR is HR only from
// the demo's HR list, and 张三's manager only from the org chart, so 张三
// may start their own plan but not their manager's.
func TestChatDemoOrg(t *testing.T) {
	script := strings.Join([]string{"新建 @王经理", "新建", "/as 林HR", "全部计划", "/as 李导师", "全部计划", "/as Sam", "plans"}, "\n")
	out, _, err := runCmd(t, t.Context(), nil, script, "chat")
	if err != nil {
		t.Fatalf("chat: %v", err)
	}
	for _, want := range []string{
		"你不能为 王经理 创建改进计划：只有其经理（赵总监）", // not a peer's or a manager's plan
		"已为 张三 创建草稿 #1，经理（来自通讯录）：王经理",
		"#1 张三 · 草稿",       // HR sees every plan
		"你不能查看全部计划：只有HR可以", // the mentor does not
		"My plans", // Sam reads English
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestChatKeepsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	for _, script := range []string{"新建\n", "/as 林HR\n全部计划\n"} {
		out, _, err := runCmd(t, t.Context(), nil, script, "chat", "--db", "sqlite://"+path)
		if err != nil {
			t.Fatalf("chat: %v", err)
		}
		if !strings.Contains(out, "sqlite://"+path) {
			t.Errorf("banner does not say where the demo is kept:\n%s", out)
		}
		if strings.Contains(script, "全部计划") && !strings.Contains(out, "#1 张三") {
			t.Errorf("the plan of the first run is gone:\n%s", out)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("kept database: %v", err)
	}
}

func TestChatConfig(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("locale: fr\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // "" = the demo runs
	}{
		{name: "platform and database settings are ignored", env: map[string]string{
			"PIPBOT_DB": "nonsense", "PIPBOT_ADDR": "nonsense", "SLACK_SIGNING_SECRET": "s", "LARK_MODE": "pigeon",
		}},
		{name: "bad time zone", env: map[string]string{"PIPBOT_TZ": "Mars/Base"}, wantErr: "PIPBOT_TZ"},
		{name: "bad locale", env: map[string]string{"PIPBOT_LOCALE": "fr"}, wantErr: "PIPBOT_LOCALE"},
		{name: "broken --config", args: []string{"--config", broken}, wantErr: "PIPBOT_LOCALE"},
		{name: "broken PIPBOT_CONFIG", env: map[string]string{"PIPBOT_CONFIG": broken}, wantErr: "PIPBOT_LOCALE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, t.Context(), tt.env, "/quit\n", slices.Concat(tt.args, []string{"chat"})...)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("chat: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one about %s", err, tt.wantErr)
			}
		})
	}
}

// TestChatIgnoresBrokenDefaultFile: a deployment's ./pipbot.yaml is not the
// demo's business; it is skipped with a warning.
func TestChatIgnoresBrokenDefaultFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pipbot.yaml"), []byte("lark:\n  app_id: cli_x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	_, errOut, err := runCmd(t, t.Context(), nil, "/quit\n", "chat")
	if err != nil {
		t.Fatalf("chat: %v", err)
	}
	if !strings.Contains(errOut, "ignoring the configuration file") {
		t.Errorf("no warning about pipbot.yaml on stderr: %q", errOut)
	}
}

func TestDemoOrg(t *testing.T) {
	people := demoPeople()
	ids := map[string]bool{}
	hr := 0
	for _, p := range people {
		ids[p.ID] = true
		if p.HR {
			hr++
		}
		if p.Tenant != demoTenant {
			t.Errorf("%s is in tenant %q", p.ID, p.Tenant)
		}
	}
	for _, p := range people {
		if p.ManagerID != "" && !ids[p.ManagerID] {
			t.Errorf("%s reports to unknown %s", p.ID, p.ManagerID)
		}
	}
	if hr != 1 || people[0].ID != "zhangsan" {
		t.Errorf("want one HR and 张三 first; got %d HR, first %s", hr, people[0].ID)
	}
}

// TestChatInterrupt: Ctrl-C (ctx cancelled) ends the demo like /quit, and
// the temporary database still goes.
func TestChatInterrupt(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	stdin, typing := io.Pipe() // a terminal where nobody types
	defer typing.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"chat"}, mapEnv(nil), stdin, io.Discard, io.Discard) }()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("chat returned %v after Ctrl-C, want nil", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("chat did not end after Ctrl-C")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("demo left %v behind in the temp dir", left)
	}
}
