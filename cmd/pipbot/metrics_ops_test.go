package main

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestRateLimitsCounts429: the platform client counts a 429 under its API's
// name and nothing else, and hands every answer on unchanged.
func TestRateLimitsCounts429(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("limited") != "" {
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	reg := prometheus.NewRegistry()
	limits := newRateLimits(reg)
	if again := newRateLimits(reg); again.counter != limits.counter {
		t.Error("a second newRateLimits on one registry made a second counter")
	}
	calls := []struct {
		platform, method, path string
		code                   int
	}{
		{"slack", http.MethodPost, "/api/chat.postMessage?limited=1", 429},
		{"slack", http.MethodPost, "/api/chat.postMessage", 200},
		{"lark", http.MethodPatch, "/open-apis/im/v1/messages/om_123?limited=1", 429},
		{"lark", http.MethodPost, "/open-apis/auth/v3/tenant_access_token/internal?limited=1", 429},
	}
	for _, c := range calls {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := limits.client(c.platform, time.Second).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Errorf("%s %s = %d, want %d", c.method, c.path, resp.StatusCode, c.code)
		}
	}
	got := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			got[key] = m.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"pipbot_platform_rate_limited_total api=chat.postMessage platform=slack":                1,
		"pipbot_platform_rate_limited_total api=PATCH im/v1/messages platform=lark":             1,
		"pipbot_platform_rate_limited_total api=POST auth/v3/tenant_access_token platform=lark": 1,
	}
	if !maps.Equal(got, want) {
		t.Errorf("scraped %v, want %v", got, want)
	}
}
