package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
	"sigs.k8s.io/yaml"
)

// chartDir is the chart under test, and ciValues the values its tests and
// lint use (the required ones set).
var (
	chartDir = filepath.Join("..", "helm", "pipbot")
	ciValues = filepath.Join(chartDir, "ci", "test-values.yaml")
)

// kubeVersion is the cluster version the chart is rendered and linted
// for (helm's own default, 1.20, is below the chart's kubeVersion).
const kubeVersion = "v1.33.0"

func kube(t *testing.T) *common.KubeVersion {
	t.Helper()
	v, err := common.ParseKubeVersion(kubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// object is one rendered Kubernetes manifest, decoded loosely.
type object map[string]any

func (o object) kind() string { s, _ := o["kind"].(string); return s }
func (o object) name() string { s, _ := dig(o, "metadata", "name").(string); return s }

// dig follows keys through nested maps, and an int through a list; nil when
// a step is missing.
func dig(v any, keys ...any) any {
	if o, ok := v.(object); ok {
		v = map[string]any(o)
	}
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// str is dig's answer as a string ("" when it is none).
func str(v any, keys ...any) string { s, _ := dig(v, keys...).(string); return s }

// loadValues reads a values file, and overrides it with the top-level keys
// of extra.
func loadValues(t *testing.T, file string, extra map[string]any) map[string]any {
	t.Helper()
	vals := map[string]any{}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, &vals); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	for k, v := range extra {
		vals[k] = v
	}
	return vals
}

// render is `helm template` of the chart with vals: the manifests and the
// hooks, each decoded, or the error the chart's templates raise.
func render(t *testing.T, vals map[string]any) ([]object, error) {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	install := action.NewInstall(&action.Configuration{})
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName = "pipbot"
	install.Namespace = "pipbot"
	install.Replace = true
	install.KubeVersion = kube(t)
	rel, err := install.Run(ch, vals)
	if err != nil {
		return nil, err
	}
	r, ok := rel.(*release.Release)
	if !ok {
		t.Fatalf("release of type %T", rel)
	}
	docs := []string{r.Manifest}
	for _, h := range r.Hooks {
		docs = append(docs, h.Manifest)
	}
	var out []object
	for _, doc := range docs {
		for _, part := range strings.Split(doc, "\n---") {
			var o object
			if err := yaml.Unmarshal([]byte(part), &o); err != nil {
				t.Fatalf("rendered manifest is not YAML: %v\n%s", err, part)
			}
			if o != nil {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// mustRender renders vals and fails the test on an error.
func mustRender(t *testing.T, vals map[string]any) []object {
	t.Helper()
	objs, err := render(t, vals)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return objs
}

// find returns the rendered objects of kind.
func find(objs []object, kind string) []object {
	var out []object
	for _, o := range objs {
		if o.kind() == kind {
			out = append(out, o)
		}
	}
	return out
}

// only returns the one rendered object of kind named name.
func only(t *testing.T, objs []object, kind, name string) object {
	t.Helper()
	for _, o := range find(objs, kind) {
		if o.name() == name {
			return o
		}
	}
	t.Fatalf("no %s %s rendered", kind, name)
	return nil
}
