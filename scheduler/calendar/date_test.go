package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2026-10-12", Date{2026, time.October, 12}, false},
		{"2024-02-29", Date{2024, time.February, 29}, false},
		{"2026-02-29", Date{}, true}, // not a leap year
		{"2026-13-01", Date{}, true},
		{"2026/10/12", Date{}, true},
		{"", Date{}, true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := Date{2025, time.December, 31}
	if got, want := d.AddDays(1), (Date{2026, time.January, 1}); got != want {
		t.Errorf("AddDays(1) = %v, want %v", got, want)
	}
	if got, want := d.AddDays(-365), (Date{2024, time.December, 31}); got != want {
		t.Errorf("AddDays(-365) = %v, want %v", got, want)
	}
	if got := d.Weekday(); got != time.Wednesday {
		t.Errorf("Weekday = %v, want Wednesday", got)
	}
	if got := NewDate(2026, time.February, 30); got.String() != "2026-03-02" {
		t.Errorf("NewDate(2026-02-30) = %v, want 2026-03-02", got)
	}
	loc := time.FixedZone("X", -10*3600)
	if got := DateOf(d.In(loc)); got != d {
		t.Errorf("DateOf(In) = %v, want %v", got, d)
	}
	if d.Compare(d.AddDays(1)) != -1 || d.AddDays(1).Compare(d) != 1 || d.Compare(d) != 0 {
		t.Error("Compare disagrees with AddDays")
	}
}

func TestDateJSON(t *testing.T) {
	b, err := json.Marshal(Override{Date: Date{2026, time.October, 9}, Note: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"date":"2026-10-09","workday":false,"note":"x"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var o Override
	if err := json.Unmarshal([]byte(`{"date":"2026-02-30"}`), &o); err == nil {
		t.Error("Unmarshal of 2026-02-30: no error")
	}
}
