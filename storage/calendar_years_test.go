package storage

import (
	"testing"
	"time"
)

// testCalendarYears: an imported year is kept as given, a new import of
// the same year replaces it, and the list is in year order. Years far
// ahead keep the test clear of anything else in a shared database.
func testCalendarYears(t *testing.T, db *DB) {
	ctx := t.Context()
	at := time.Date(2026, 11, 6, 8, 0, 0, 0, time.UTC)
	first := []CalendarYear{
		{Year: 2999, Name: "2999.json", Data: []byte(`{"2999": []}`), Source: "file a.yaml", ImportedAt: at},
		{Year: 2998, Name: "2998.json", Data: []byte(`{"2998": []}`), Source: "file a.yaml", Replace: true, ImportedAt: at},
	}
	if err := db.SaveCalendarYears(ctx, first); err != nil {
		t.Fatal(err)
	}
	again := CalendarYear{Year: 2999, Name: "2999.yaml", Data: []byte("2999: []\n"), Source: "file b.yaml", ImportedAt: at.Add(time.Hour)}
	if err := db.SaveCalendarYears(ctx, []CalendarYear{again}); err != nil {
		t.Fatal(err)
	}
	all, err := db.CalendarYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []CalendarYear
	for _, y := range all {
		if y.Year >= 2998 {
			got = append(got, y)
		}
	}
	if len(got) != 2 || got[0].Year != 2998 || got[1].Year != 2999 {
		t.Fatalf("years = %+v, want 2998 then 2999", got)
	}
	if y := got[0]; !y.Replace || y.Source != "file a.yaml" || !y.ImportedAt.Equal(at) {
		t.Errorf("2998 = %+v", y)
	}
	if y := got[1]; y.Name != "2999.yaml" || string(y.Data) != "2999: []\n" || y.Source != "file b.yaml" || y.Replace || !y.ImportedAt.Equal(again.ImportedAt) {
		t.Errorf("2999 after a second import = %+v, want the second", y)
	}
}
