package calendar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestPrintGolden(t *testing.T) {
	c := newCal(t, nil)
	tests := []struct {
		region string
		year   int
		locale string
		golden string
	}{
		{"CN", 2026, "zh", "calendar_2026_zh.txt"},
		{"CN", 2027, "en", "calendar_2027_en.txt"},
		{"CN", 2028, "en", "calendar_2028_en.txt"},
		{"CN", 2025, "en", "calendar_2025_en.txt"},
		{"US", 2026, "zh-CN", "calendar_2026_us_zh.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := c.Print(&buf, tt.region, tt.year, tt.locale); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("Print(%s, %d, %s) differs from %s (run go test -update if intended)\n got:\n%s\nwant:\n%s", tt.region, tt.year, tt.locale, path, got, want)
			}
		})
	}
}

func TestPrintRejectsLocale(t *testing.T) {
	if err := newCal(t, nil).Print(&bytes.Buffer{}, "CN", 2026, "fr"); err == nil {
		t.Error("Print with locale fr: no error")
	}
}
