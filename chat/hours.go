package chat

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	// Every IANA time zone, whatever the host has installed: opening hours
	// must mean the same on every node, and a container may have no zoneinfo.
	_ "time/tzdata"
)

// OpeningHours say when a queue takes new chats: weekly hours in a time
// zone, and exceptions for single dates (holidays) that replace that date's
// weekly hours. Times are wall-clock times in TimeZone, "HH:MM", with
// "24:00" for the end of a day. A range never crosses midnight: overnight
// hours are two ranges, one on each day. Across a change to or from summer
// time the wall clock decides: "08:00–16:00" is eight hours most days and
// seven or nine hours on the night the clocks change, if it spans it.
//
// A queue without opening hours (Queue.Hours nil) is always open.
type OpeningHours struct {
	TimeZone   string           `json:"timeZone"` // IANA, such as "Europe/Oslo"
	Weekly     []WeeklyHours    `json:"weekly"`
	Exceptions []HoursException `json:"exceptions"`
}

// WeeklyHours is one opening range on a day of the week.
type WeeklyHours struct {
	Day   string `json:"day"`   // mon, tue, wed, thu, fri, sat or sun
	Open  string `json:"open"`  // "08:00"
	Close string `json:"close"` // "16:00"; "24:00" is the end of the day
}

// HoursException replaces the weekly hours of one date: with Open and
// Close empty the queue is closed all that day; otherwise it is open from
// Open to Close. Several exceptions of one date add up to that date's hours.
type HoursException struct {
	Date  string `json:"date"` // "2026-12-24", a date in the hours' time zone
	Open  string `json:"open,omitempty"`
	Close string `json:"close,omitempty"`
	Note  string `json:"note,omitempty"` // "Christmas Eve"
}

// Limits of opening hours.
const (
	MaxWeeklyHours    = 50
	MaxHoursException = 400
	MaxHoursNoteLen   = 100
	// hoursHorizon is how far ahead State looks for the next change.
	hoursHorizon = 40 // days
)

// weekdays are the day names of WeeklyHours, by time.Weekday.
var weekdays = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// interval is an opening range as instants: open from from, until to.
type interval struct{ from, to time.Time }

// State reports whether the hours are open at t, and when that next
// changes: the next opening while closed, the next closing while open. next
// is zero when nothing changes within 40 days (closed until further
// notice, or open around the clock).
func (h OpeningHours) State(t time.Time) (open bool, next time.Time) {
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil {
		return false, time.Time{} // hours are validated when stored; closed is the safe answer
	}
	y, m, d := t.In(loc).Date()
	var ivs []interval
	for i := -1; i <= hoursHorizon; i++ {
		ivs = append(ivs, h.dayIntervals(time.Date(y, m, d+i, 0, 0, 0, 0, loc), loc)...)
	}
	end := time.Date(y, m, d+hoursHorizon+1, 0, 0, 0, 0, loc) // what was looked at ends here
	for _, iv := range merge(ivs) {
		switch {
		case t.Before(iv.from):
			return false, iv.from
		case t.Before(iv.to) && iv.to.Before(end):
			return true, iv.to
		case t.Before(iv.to):
			return true, time.Time{} // open beyond the horizon
		}
	}
	return false, time.Time{}
}

// dayIntervals returns the opening ranges of the date of day (midnight in
// loc): the date's exceptions if it has any, else its weekly hours.
func (h OpeningHours) dayIntervals(day time.Time, loc *time.Location) []interval {
	date := day.Format(time.DateOnly)
	var ranges [][2]string
	excepted := false
	for _, x := range h.Exceptions {
		if x.Date != date {
			continue
		}
		excepted = true
		if x.Open != "" {
			ranges = append(ranges, [2]string{x.Open, x.Close})
		}
	}
	if !excepted {
		wd := weekdays[day.Weekday()]
		for _, w := range h.Weekly {
			if w.Day == wd {
				ranges = append(ranges, [2]string{w.Open, w.Close})
			}
		}
	}
	y, m, d := day.Date()
	var out []interval
	for _, r := range ranges {
		from, ok1 := clockMinutes(r[0])
		to, ok2 := clockMinutes(r[1])
		if !ok1 || !ok2 {
			continue
		}
		iv := interval{time.Date(y, m, d, 0, from, 0, 0, loc), time.Date(y, m, d, 0, to, 0, 0, loc)}
		if iv.from.Before(iv.to) { // a range inside the hour the clocks skip is empty
			out = append(out, iv)
		}
	}
	return out
}

// merge sorts intervals and joins those that overlap or touch, so that a
// day open until 24:00 and the next open from 00:00 are one opening.
func merge(ivs []interval) []interval {
	slices.SortFunc(ivs, func(a, b interval) int { return a.from.Compare(b.from) })
	var out []interval
	for _, iv := range ivs {
		if n := len(out); n > 0 && !iv.from.After(out[n-1].to) {
			if iv.to.After(out[n-1].to) {
				out[n-1].to = iv.to
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

// clockMinutes reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func clockMinutes(s string) (int, bool) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// Validate checks the hours: a known time zone, days and dates that exist,
// ranges that open before they close, and no two ranges of a day that
// overlap. Each error names the field ("hours.weekly[2].close").
func (h OpeningHours) Validate() error {
	if h.TimeZone == "" {
		return E(EInvalid, "required", "{field} is required.", "field", "hours.timeZone")
	}
	if _, err := time.LoadLocation(h.TimeZone); err != nil || h.TimeZone == "Local" {
		return E(EInvalid, "time_zone_unknown", "There is no time zone {zone}.", "field", "hours.timeZone", "zone", h.TimeZone)
	}
	if len(h.Weekly) > MaxWeeklyHours {
		return E(EInvalid, "too_many", "At most {max}.", "field", "hours.weekly", "max", MaxWeeklyHours)
	}
	if len(h.Exceptions) > MaxHoursException {
		return E(EInvalid, "too_many", "At most {max}.", "field", "hours.exceptions", "max", MaxHoursException)
	}
	type span struct {
		from, to int
		field    string
	}
	days := map[string][]span{}
	for i, w := range h.Weekly {
		field := fmt.Sprintf("hours.weekly[%d]", i)
		if !slices.Contains(weekdays[:], w.Day) {
			return E(EInvalid, "day_unknown", "Choose a day of the week.", "field", field+".day")
		}
		from, to, err := checkRange(field, w.Open, w.Close)
		if err != nil {
			return err
		}
		days[w.Day] = append(days[w.Day], span{from, to, field})
	}
	for i, x := range h.Exceptions {
		field := fmt.Sprintf("hours.exceptions[%d]", i)
		if _, err := time.Parse(time.DateOnly, x.Date); err != nil {
			return E(EInvalid, "date_invalid", "Give the date as YYYY-MM-DD.", "field", field+".date")
		}
		if utf8.RuneCountInString(x.Note) > MaxHoursNoteLen {
			return E(EInvalid, "too_long", "At most {max} characters.", "field", field+".note", "max", MaxHoursNoteLen)
		}
		if err := CheckText(x.Note, TextNote); err != nil {
			return E(EInvalid, "control_character", "{field} contains a control character.", "field", field+".note")
		}
		if x.Open == "" && x.Close == "" {
			continue // closed all day
		}
		from, to, err := checkRange(field, x.Open, x.Close)
		if err != nil {
			return err
		}
		days[x.Date] = append(days[x.Date], span{from, to, field})
	}
	for _, spans := range days {
		slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })
		for i := 1; i < len(spans); i++ {
			if spans[i].from < spans[i-1].to {
				return E(EInvalid, "hours_overlap", "This range overlaps another on the same day ({other}).", "field", spans[i].field+".open", "other", formatRange(spans[i-1].from, spans[i-1].to))
			}
		}
	}
	return nil
}

// checkRange checks one "open"–"close" pair of field.
func checkRange(field, open, closing string) (from, to int, err error) {
	from, ok := clockMinutes(open)
	if !ok || from == 24*60 {
		return 0, 0, E(EInvalid, "time_invalid", "Give the time as HH:MM, from 00:00 to 23:59.", "field", field+".open")
	}
	to, ok = clockMinutes(closing)
	if !ok {
		return 0, 0, E(EInvalid, "close_time_invalid", "Give the time as HH:MM, from 00:01 to 24:00.", "field", field+".close")
	}
	if to <= from {
		return 0, 0, E(EInvalid, "close_before_open", "The closing time must be after the opening time.", "field", field+".close")
	}
	return from, to, nil
}

func formatRange(from, to int) string {
	return fmt.Sprintf("%02d:%02d–%02d:%02d", from/60, from%60, to/60, to%60)
}
