package chat

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// WidgetSettings are how the customer widget looks and behaves on the
// organisation's website: the organisation-wide settings the widget reads
// from the server, so that the one-line snippet never needs to change. A
// site may still override some with data- attributes on the script tag.
type WidgetSettings struct {
	Title     string `json:"title"`     // the header; "" is "Chat with us" in the widget's language
	Greeting  string `json:"greeting"`  // the start view's greeting; "" is the widget's own
	Color     string `json:"color"`     // the main colour (header, launcher, buttons), #rrggbb
	TextColor string `json:"textColor"` // text on the main colour, #rrggbb
	// Queues are the queues a customer chooses from, in this order; empty
	// is every queue. FixedQueue, when set, is the only queue: the
	// customer does not choose.
	Queues       []QueueID `json:"queues"`
	FixedQueue   QueueID   `json:"fixedQueue,omitempty"`
	Language     string    `json:"language"`     // en or nb
	ShowPosition bool      `json:"showPosition"` // tell a waiting customer their place in the queue
	Version      int64     `json:"version"`      // 0 until first saved
	UpdatedAt    time.Time `json:"updatedAt,omitzero"`
}

// DefaultWidgetSettings are the settings of an organisation that has not
// saved any.
func DefaultWidgetSettings() WidgetSettings {
	return WidgetSettings{Color: defaultColor, TextColor: defaultTextColor, Queues: []QueueID{}, Language: "en", ShowPosition: true}
}

// Languages are the languages of the widget and the admin pages.
var Languages = []string{"en", "nb"}

// CheckLanguage checks that lang is one of Languages.
func CheckLanguage(lang string) error {
	if !slices.Contains(Languages, lang) {
		return E(EInvalid, "language_unknown", "Choose English (en) or Norwegian bokmål (nb).", "field", "language")
	}
	return nil
}

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate checks the settings (not whether their queues exist, which the
// store checks). The two colours must be far enough apart to read text in
// one on the other (WCAG AA, 4.5:1).
func (w WidgetSettings) Validate() error {
	if err := checkLongText("title", w.Title, maxTitleLen); err != nil {
		return err
	}
	if err := checkLongText("greeting", w.Greeting, maxGreetingLen); err != nil {
		return err
	}
	for _, c := range []struct{ field, v string }{{"color", w.Color}, {"textColor", w.TextColor}} {
		if !colorPattern.MatchString(c.v) {
			return E(EInvalid, "color_invalid", "Give the colour as #rrggbb, for example #1f5f8b.", "field", c.field)
		}
	}
	if r := ContrastRatio(w.Color, w.TextColor); r < minContrast {
		return E(EInvalid, "contrast_too_low", "The text colour is too close to the main colour: contrast {ratio}:1, at least {min}:1 is needed to read it.", "field", "textColor", "ratio", strconv.FormatFloat(math.Floor(r*10)/10, 'f', 1, 64), "min", minContrast)
	}
	if err := checkList("queues", w.Queues); err != nil {
		return err
	}
	if err := CheckLanguage(w.Language); err != nil {
		return err
	}
	return nil
}

// WidgetUpdate changes the widget settings.
type WidgetUpdate struct {
	Version      int64      `json:"version"`
	Title        *string    `json:"title,omitempty"`
	Greeting     *string    `json:"greeting,omitempty"`
	Color        *string    `json:"color,omitempty"`
	TextColor    *string    `json:"textColor,omitempty"`
	Queues       *[]QueueID `json:"queues,omitempty"`
	FixedQueue   *QueueID   `json:"fixedQueue,omitempty"`
	Language     *string    `json:"language,omitempty"`
	ShowPosition *bool      `json:"showPosition,omitempty"`
}

// Apply returns w with the update applied. It neither validates nor counts
// the version.
func (w WidgetSettings) Apply(u WidgetUpdate) WidgetSettings {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&w.Title, u.Title)
	set(&w.Greeting, u.Greeting)
	set(&w.Color, u.Color)
	set(&w.TextColor, u.TextColor)
	set(&w.Language, u.Language)
	if u.Queues != nil {
		w.Queues = slices.Clone(*u.Queues)
	}
	if u.FixedQueue != nil {
		w.FixedQueue = *u.FixedQueue
	}
	if u.ShowPosition != nil {
		w.ShowPosition = *u.ShowPosition
	}
	return w
}

// ContrastRatio returns the WCAG 2 contrast ratio of two #rrggbb colours,
// from 1 (the same) to 21 (black on white); 1 when either is not a colour.
func ContrastRatio(a, b string) float64 {
	la, ok1 := luminance(a)
	lb, ok2 := luminance(b)
	if !ok1 || !ok2 {
		return 1
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the relative luminance of a #rrggbb colour (WCAG 2).
func luminance(c string) (float64, bool) {
	if !colorPattern.MatchString(c) {
		return 0, false
	}
	var rgb [3]float64
	for i := range rgb {
		v, _ := strconv.ParseUint(c[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			rgb[i] = s / 12.92
		} else {
			rgb[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2], true
}

// String describes the settings for logs.
func (w WidgetSettings) String() string {
	return fmt.Sprintf("widget(version %d, language %s)", w.Version, w.Language)
}
