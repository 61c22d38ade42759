package chat

import (
	"strings"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// weekdaysOf returns the same range on each day named.
func weekdaysOf(open, close string, days ...string) []WeeklyHours {
	var out []WeeklyHours
	for _, d := range days {
		out = append(out, WeeklyHours{Day: d, Open: open, Close: close})
	}
	return out
}

// TestOpeningHours_State runs the clock over the edges of opening hours:
// the nanosecond before and at each opening and closing, time zones,
// holidays that begin in the zone before they begin in UTC, and the nights
// the clocks change.
func TestOpeningHours_State(t *testing.T) {
	oslo := mustZone(t, "Europe/Oslo")
	ny := mustZone(t, "America/New_York")
	at := func(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
		return time.Date(y, m, d, hh, mm, 0, 0, loc)
	}
	utc := func(y int, m time.Month, d, hh, mm int) time.Time { return at(time.UTC, y, m, d, hh, mm) }
	office := OpeningHours{TimeZone: "Europe/Oslo", Weekly: weekdaysOf("08:00", "16:00", "mon", "tue", "wed", "thu", "fri")}
	christmas := office
	christmas.Exceptions = []HoursException{
		{Date: "2026-12-24", Open: "09:00", Close: "13:00", Note: "Christmas Eve"},
		{Date: "2026-12-25", Note: "Christmas Day"},
	}
	aroundTheClock := OpeningHours{TimeZone: "Europe/Oslo", Weekly: weekdaysOf("00:00", "24:00", "mon", "tue", "wed", "thu", "fri", "sat", "sun")}
	allButChristmasEve := aroundTheClock
	allButChristmasEve.Exceptions = []HoursException{{Date: "2026-12-24"}}

	tests := []struct {
		name     string
		hours    OpeningHours
		t        time.Time
		wantOpen bool
		wantNext time.Time // zero: no change within the horizon
	}{
		// Monday 23 November 2026.
		{"a nanosecond before opening", office, at(oslo, 2026, 11, 23, 8, 0).Add(-1), false, at(oslo, 2026, 11, 23, 8, 0)},
		{"at opening", office, at(oslo, 2026, 11, 23, 8, 0), true, at(oslo, 2026, 11, 23, 16, 0)},
		{"a nanosecond before closing", office, at(oslo, 2026, 11, 23, 16, 0).Add(-1), true, at(oslo, 2026, 11, 23, 16, 0)},
		{"at closing", office, at(oslo, 2026, 11, 23, 16, 0), false, at(oslo, 2026, 11, 24, 8, 0)},
		{"friday evening until monday", office, at(oslo, 2026, 11, 27, 16, 0), false, at(oslo, 2026, 11, 30, 8, 0)},
		// The same instant is 08:30 in Oslo and 02:30 in New York.
		{"open in Oslo", office, utc(2026, 11, 23, 7, 30), true, at(oslo, 2026, 11, 23, 16, 0)},
		{"not yet open in New York", OpeningHours{TimeZone: "America/New_York", Weekly: office.Weekly}, utc(2026, 11, 23, 7, 30), false, at(ny, 2026, 11, 23, 8, 0)},
		// Holidays.
		{"christmas eve opens late", christmas, at(oslo, 2026, 12, 24, 8, 30), false, at(oslo, 2026, 12, 24, 9, 0)},
		{"christmas eve closes early", christmas, at(oslo, 2026, 12, 24, 12, 59), true, at(oslo, 2026, 12, 24, 13, 0)},
		{"closed over christmas until monday", christmas, at(oslo, 2026, 12, 24, 13, 0), false, at(oslo, 2026, 12, 28, 8, 0)},
		{"the holiday starts in Oslo before it starts in UTC", allButChristmasEve, utc(2026, 12, 23, 23, 0), false, at(oslo, 2026, 12, 25, 0, 0)},
		{"the minute before the holiday in Oslo", allButChristmasEve, utc(2026, 12, 23, 22, 59), true, at(oslo, 2026, 12, 24, 0, 0)},
		// The clocks go forward at 02:00 on Sunday 29 March 2026 and back
		// at 03:00 on Sunday 25 October 2026 in Oslo.
		{"spring night is an hour shorter", OpeningHours{TimeZone: "Europe/Oslo", Weekly: weekdaysOf("01:00", "05:00", "sun")},
			utc(2026, 3, 29, 0, 30), true, utc(2026, 3, 29, 3, 0)},
		{"the skipped hour never opens", OpeningHours{TimeZone: "Europe/Oslo", Weekly: weekdaysOf("02:00", "03:00", "sun")},
			utc(2026, 3, 29, 0, 30), false, at(oslo, 2026, 4, 5, 2, 0)},
		{"autumn night is an hour longer", OpeningHours{TimeZone: "Europe/Oslo", Weekly: weekdaysOf("01:00", "04:00", "sun")},
			utc(2026, 10, 25, 2, 30), true, utc(2026, 10, 25, 3, 0)},
		// Ranges that meet join into one opening.
		{"overnight over two days", OpeningHours{TimeZone: "Europe/Oslo", Weekly: []WeeklyHours{{"fri", "22:00", "24:00"}, {"sat", "00:00", "02:00"}}},
			at(oslo, 2026, 11, 27, 23, 0), true, at(oslo, 2026, 11, 28, 2, 0)},
		{"around the clock", aroundTheClock, at(oslo, 2026, 11, 23, 12, 0), true, time.Time{}},
		{"around the clock but a holiday ahead", allButChristmasEve, at(oslo, 2026, 12, 1, 12, 0), true, at(oslo, 2026, 12, 24, 0, 0)},
		{"no hours at all", OpeningHours{TimeZone: "Europe/Oslo"}, at(oslo, 2026, 11, 23, 12, 0), false, time.Time{}},
		{"an unknown zone is closed", OpeningHours{TimeZone: "Mars/Olympus", Weekly: aroundTheClock.Weekly}, at(oslo, 2026, 11, 23, 12, 0), false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, next := tt.hours.State(tt.t)
			if open != tt.wantOpen || !next.Equal(tt.wantNext) {
				t.Errorf("State(%s) = %v, %s; want %v, %s", tt.t.UTC().Format(time.RFC3339Nano), open, next.UTC(), tt.wantOpen, tt.wantNext.UTC())
			}
		})
	}
}

func TestQueue_OpenAt(t *testing.T) {
	now := time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)
	if open, next := (Queue{}).OpenAt(now); !open || !next.IsZero() {
		t.Errorf("OpenAt of a queue without hours = %v, %v; want always open", open, next)
	}
	q := Queue{Hours: &OpeningHours{TimeZone: "UTC", Weekly: weekdaysOf("08:00", "16:00", "mon")}}
	if open, next := q.OpenAt(now); open || !next.Equal(now.Add(5*time.Hour)) {
		t.Errorf("OpenAt(Mon 03:00 UTC) = %v, %v; want closed until 08:00", open, next)
	}
}

func TestOpeningHours_Validate(t *testing.T) {
	good := OpeningHours{TimeZone: "Europe/Oslo", Weekly: weekdaysOf("08:00", "16:00", "mon", "tue"),
		Exceptions: []HoursException{{Date: "2026-12-24", Open: "09:00", Close: "13:00", Note: "Christmas Eve"}, {Date: "2026-12-25"}}}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", good, err)
	}
	tests := []struct {
		name      string
		mutate    func(*OpeningHours)
		reason    string
		wantField string
	}{
		{"no zone", func(h *OpeningHours) { h.TimeZone = "" }, "required", "hours.timeZone"},
		{"unknown zone", func(h *OpeningHours) { h.TimeZone = "Europe/Atlantis" }, "time_zone_unknown", "hours.timeZone"},
		{"the host's zone", func(h *OpeningHours) { h.TimeZone = "Local" }, "time_zone_unknown", "hours.timeZone"},
		{"unknown day", func(h *OpeningHours) { h.Weekly[1].Day = "tuesday" }, "day_unknown", "hours.weekly[1].day"},
		{"hour without a zero", func(h *OpeningHours) { h.Weekly[0].Open = "8:00" }, "time_invalid", "hours.weekly[0].open"},
		{"after midnight", func(h *OpeningHours) { h.Weekly[0].Close = "24:01" }, "close_time_invalid", "hours.weekly[0].close"},
		{"open at the end of the day", func(h *OpeningHours) { h.Weekly[0].Open = "24:00" }, "time_invalid", "hours.weekly[0].open"},
		{"closes before it opens", func(h *OpeningHours) { h.Weekly[0].Close = "07:00" }, "close_before_open", "hours.weekly[0].close"},
		{"closes as it opens", func(h *OpeningHours) { h.Weekly[0].Close = "08:00" }, "close_before_open", "hours.weekly[0].close"},
		{"overlap", func(h *OpeningHours) { h.Weekly = append(h.Weekly, WeeklyHours{"mon", "15:00", "18:00"}) }, "hours_overlap", "hours.weekly[2].open"},
		{"bad date", func(h *OpeningHours) { h.Exceptions[1].Date = "2026-02-30" }, "date_invalid", "hours.exceptions[1].date"},
		{"open without close", func(h *OpeningHours) { h.Exceptions[0].Close = "" }, "close_time_invalid", "hours.exceptions[0].close"},
		{"overlapping exceptions", func(h *OpeningHours) {
			h.Exceptions = append(h.Exceptions, HoursException{Date: "2026-12-24", Open: "12:00", Close: "14:00"})
		}, "hours_overlap", "hours.exceptions[2].open"},
		{"long note", func(h *OpeningHours) { h.Exceptions[0].Note = strings.Repeat("x", MaxHoursNoteLen+1) }, "too_long", "hours.exceptions[0].note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good
			h.Weekly = append([]WeeklyHours(nil), good.Weekly...)
			h.Exceptions = append([]HoursException(nil), good.Exceptions...)
			tt.mutate(&h)
			wantFieldError(t, "Validate", h.Validate(), tt.reason, tt.wantField)
		})
	}
}

// wantFieldError fails t unless err is an invalid error with that reason
// about that field.
func wantFieldError(t *testing.T, call string, err error, reason, field string) {
	t.Helper()
	e := ErrorOf(err)
	if e == nil || e.Code != EInvalid || e.Reason != reason || e.Params["field"] != field {
		t.Errorf("%s = %v (%+v), want invalid %s about %s", call, err, e, reason, field)
	}
}
