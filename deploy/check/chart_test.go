package check

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
)

// TestChartLint runs `helm lint --strict` with the CI values.
func TestChartLint(t *testing.T) {
	lint := action.NewLint()
	lint.Strict = true
	lint.Namespace = "pipbot"
	lint.KubeVersion = kube(t)
	res := lint.Run([]string{chartDir}, loadValues(t, ciValues, nil))
	for _, m := range res.Messages {
		t.Logf("lint: %s", m)
	}
	if len(res.Errors) > 0 || res.TotalChartsLinted != 1 {
		t.Fatalf("lint linted %d charts with errors %v", res.TotalChartsLinted, res.Errors)
	}
}

// TestChartServes renders the CI values: two replicas with the probes,
// the migration hook, the Service and the disruption budget.
func TestChartServes(t *testing.T) {
	objs := mustRender(t, loadValues(t, ciValues, nil))
	dep := only(t, objs, "Deployment", "pipbot")
	if r := dig(dep, "spec", "replicas"); r != float64(2) {
		t.Errorf("replicas = %v, want 2", r)
	}
	c := dig(dep, "spec", "template", "spec", "containers", 0)
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz", "startupProbe": "/healthz"} {
		if got := str(c, probe, "httpGet", "path"); got != path {
			t.Errorf("%s path = %q, want %s", probe, got, path)
		}
		if got := str(c, probe, "httpGet", "port"); got != "http" {
			t.Errorf("%s port = %q, want http", probe, got)
		}
	}
	if got := fmt.Sprint(dig(c, "args")); got != "[serve]" {
		t.Errorf("serving container args = %s", got)
	}
	for _, res := range []string{"cpu", "memory"} {
		if dig(c, "resources", "requests", res) == nil {
			t.Errorf("no %s request", res)
		}
	}

	job := only(t, objs, "Job", "pipbot-migrate")
	ann := dig(job, "metadata", "annotations").(map[string]any)
	if ann["helm.sh/hook"] != "pre-install,pre-upgrade" || !strings.Contains(fmt.Sprint(ann["helm.sh/hook-delete-policy"]), "before-hook-creation") {
		t.Errorf("migration Job annotations = %v", ann)
	}
	jc := dig(job, "spec", "template", "spec", "containers", 0)
	if got := fmt.Sprint(dig(jc, "args")); got != "[migrate]" {
		t.Errorf("migration args = %s", got)
	}
	hookSecret := only(t, objs, "Secret", "pipbot-migrate")
	if w := str(hookSecret, "metadata", "annotations", "helm.sh/hook-weight"); w >= str(job, "metadata", "annotations", "helm.sh/hook-weight") {
		t.Errorf("the migration Secret's hook weight %s does not come before the Job's", w)
	}
	if str(jc, "env", 0, "valueFrom", "secretKeyRef", "name") != "pipbot-migrate" || str(jc, "env", 0, "name") != "PIPBOT_DB" {
		t.Errorf("migration Job env = %v", dig(jc, "env"))
	}
	if sel := dig(job, "spec", "template", "metadata", "labels", "app.kubernetes.io/component"); sel != "migrate" {
		t.Errorf("migration pods labelled component %v: the Service would select them", sel)
	}

	svc := only(t, objs, "Service", "pipbot")
	if got := fmt.Sprint(dig(svc, "spec", "selector")); got != fmt.Sprint(dig(dep, "spec", "selector", "matchLabels")) {
		t.Errorf("Service selects %s, the Deployment's pods are %s", got, dig(dep, "spec", "selector", "matchLabels"))
	}
	pdb := only(t, objs, "PodDisruptionBudget", "pipbot")
	if dig(pdb, "spec", "minAvailable") != float64(1) {
		t.Errorf("PodDisruptionBudget = %v", dig(pdb, "spec"))
	}
	if n := len(find(objs, "Ingress")) + len(find(objs, "ServiceMonitor")); n != 0 {
		t.Errorf("%d Ingress and ServiceMonitor objects rendered though both are off by default", n)
	}
}

// TestChartVariables: values.yaml offers every variable package config
// reads; each one config masks goes to the Secret and never to a
// ConfigMap, and each other one to the ConfigMap.
func TestChartVariables(t *testing.T) {
	secret := secretVars(t)
	defaults := loadValues(t, chartDir+"/values.yaml", nil)
	cfgKeys := slices.Sorted(maps.Keys(defaults["config"].(map[string]any)))
	secretKeys := slices.Sorted(maps.Keys(defaults["secrets"].(map[string]any)))
	if !slices.Equal(secretKeys, slices.Sorted(slices.Values(secret))) {
		t.Errorf("values.yaml secrets = %v, want what config masks: %v", secretKeys, slices.Sorted(slices.Values(secret)))
	}
	offered := append(append([]string{"PIPBOT_ADDR"}, cfgKeys...), secretKeys...) // PIPBOT_ADDR is the chart's
	if want := slices.Sorted(slices.Values(configVars(t))); !slices.Equal(slices.Sorted(slices.Values(offered)), want) {
		t.Errorf("values.yaml offers %v, config reads %v", slices.Sorted(slices.Values(offered)), want)
	}

	// Every variable set to its probe value.
	cfg, sec := map[string]any{}, map[string]any{}
	for _, k := range cfgKeys {
		cfg[k] = probes[k]
	}
	for _, k := range secretKeys {
		sec[k] = probes[k]
	}
	objs := mustRender(t, loadValues(t, ciValues, map[string]any{"config": cfg, "secrets": sec}))
	for _, cm := range find(objs, "ConfigMap") {
		for key, v := range dig(cm, "data").(map[string]any) {
			for _, name := range secret {
				if strings.Contains(fmt.Sprint(v), probes[name]) {
					t.Errorf("ConfigMap %s key %s holds the value of %s", cm.name(), key, name)
				}
			}
		}
	}
	data := dig(only(t, objs, "Secret", "pipbot"), "data").(map[string]any)
	for _, name := range secret {
		got, _ := base64.StdEncoding.DecodeString(fmt.Sprint(data[name]))
		if string(got) != probes[name] {
			t.Errorf("Secret %s = %q, want %q", name, got, probes[name])
		}
	}
	cmData := dig(only(t, objs, "ConfigMap", "pipbot"), "data").(map[string]any)
	for _, k := range cfgKeys {
		if probes[k] != "" && cmData[k] != probes[k] {
			t.Errorf("ConfigMap %s = %v, want %q", k, cmData[k], probes[k])
		}
	}
	if cmData["PIPBOT_ADDR"] != ":8080" {
		t.Errorf("PIPBOT_ADDR = %v", cmData["PIPBOT_ADDR"])
	}
}

// TestChartRefuses: the chart will not render a credential into the
// ConfigMap, an unknown variable, no image, no database, SQLite, or
// replicas without Redis.
func TestChartRefuses(t *testing.T) {
	ci := loadValues(t, ciValues, nil)
	with := func(key string, v any) map[string]any {
		vals := loadValues(t, ciValues, nil)
		vals[key] = v
		return vals
	}
	cases := map[string]map[string]any{
		"secrets.PIPBOT_DB is required": loadValues(t, "", map[string]any{"image": ci["image"]}),
		"image.repository is required":  loadValues(t, "", map[string]any{"secrets": ci["secrets"]}),
		"not a pipbot variable":         with("config", map[string]any{"PIPBOT_TYPO": "x"}),
		"SQLite lives in one pod":       with("secrets", map[string]any{"PIPBOT_DB": "sqlite:///var/lib/pipbot/pipbot.db", "PIPBOT_REDIS": "redis://r:6379/0"}),
		"PIPBOT_REDIS is required":      with("secrets", map[string]any{"PIPBOT_DB": "postgres://u:p@db/pipbot"}),
	}
	for _, name := range secretVars(t) {
		cases["config."+name+" is a credential"] = with("config", map[string]any{name: probes[name]})
	}
	for want, vals := range cases {
		_, err := render(t, vals)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("render: error %v, want one saying %q", err, want)
		}
	}
}

// TestChartOptions: an existing Secret replaces the chart's, the Ingress
// routes only the platforms' callback paths, the ServiceMonitor scrapes
// /metrics.
func TestChartOptions(t *testing.T) {
	objs := mustRender(t, loadValues(t, ciValues, map[string]any{
		"existingSecret": "team-pipbot",
		"secrets":        map[string]any{},
		"ingress":        map[string]any{"enabled": true, "host": "bot.example.com"},
		"serviceMonitor": map[string]any{"enabled": true},
	}))
	if s := find(objs, "Secret"); len(s) != 0 {
		t.Errorf("Secrets rendered with existingSecret: %v", s)
	}
	c := dig(only(t, objs, "Deployment", "pipbot"), "spec", "template", "spec", "containers", 0)
	if got := str(c, "envFrom", 1, "secretRef", "name"); got != "team-pipbot" {
		t.Errorf("pods read Secret %q, want team-pipbot", got)
	}
	jc := dig(only(t, objs, "Job", "pipbot-migrate"), "spec", "template", "spec", "containers", 0)
	if got := str(jc, "env", 0, "valueFrom", "secretKeyRef", "name"); got != "team-pipbot" {
		t.Errorf("migration reads Secret %q, want team-pipbot", got)
	}
	var paths []string
	for _, p := range dig(only(t, objs, "Ingress", "pipbot"), "spec", "rules", 0, "http", "paths").([]any) {
		paths = append(paths, str(p, "path"))
	}
	want := []string{"/slack/events", "/slack/commands", "/slack/interactions", "/lark/events", "/lark/cards"}
	if !slices.Equal(paths, want) {
		t.Errorf("Ingress paths = %v, want %v", paths, want)
	}
	if got := str(only(t, objs, "ServiceMonitor", "pipbot"), "spec", "endpoints", 0, "path"); got != "/metrics" {
		t.Errorf("ServiceMonitor path = %q", got)
	}
}
