package chat

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUser_Validate(t *testing.T) {
	good := User{ID: "u-anna", Username: "anna", DisplayName: "Anna", Role: RoleAgent, Capacity: 3, Profiles: []ProfileID{"sales"}}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", good, err)
	}
	tests := []struct {
		name   string
		mutate func(*User)
		reason string
		field  string
	}{
		{"no username", func(u *User) { u.Username = "" }, "required", "username"},
		{"upper-case username", func(u *User) { u.Username = "Anna" }, "username_invalid", "username"},
		{"username with a space", func(u *User) { u.Username = "anna b" }, "username_invalid", "username"},
		{"no display name", func(u *User) { u.DisplayName = "  " }, "required", "displayName"},
		{"display name with spaces around", func(u *User) { u.DisplayName = " Anna" }, "surrounding_space", "displayName"},
		{"long display name", func(u *User) { u.DisplayName = strings.Repeat("a", MaxDirectoryNameLen+1) }, "too_long", "displayName"},
		{"display name with a line break", func(u *User) { u.DisplayName = "An\nna" }, "one_line", "displayName"},
		{"display name with a control character", func(u *User) { u.DisplayName = "An\x1bna" }, "control_character", "displayName"},
		{"unknown role", func(u *User) { u.Role = "boss" }, "role_unknown", "role"},
		{"no capacity", func(u *User) { u.Capacity = 0 }, "out_of_range", "capacity"},
		{"too much capacity", func(u *User) { u.Capacity = MaxCapacity + 1 }, "out_of_range", "capacity"},
		{"a profile twice", func(u *User) { u.Profiles = []ProfileID{"sales", "sales"} }, "repeated", "profiles"},
		{"bad id", func(u *User) { u.ID = "u anna" }, "user_id_invalid", "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := good
			tt.mutate(&u)
			wantFieldError(t, "Validate", u.Validate(), tt.reason, tt.field)
		})
	}
}

func TestUser_Apply(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	u := User{ID: "u1", Username: "anna", DisplayName: "Anna", Role: RoleAgent, Capacity: 3, Profiles: []ProfileID{"a"}, Version: 4}
	name, capacity, off, on := "Anna B", 5, false, true
	got := u.Apply(UserUpdate{Version: 4, DisplayName: &name, Capacity: &capacity, Active: &off}, t0)
	want := u
	want.DisplayName, want.Capacity, want.DeactivatedAt = "Anna B", 5, t0
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Apply (-want +got):\n%s", d)
	}
	if again := got.Apply(UserUpdate{Active: &off}, t0.Add(time.Hour)); !again.DeactivatedAt.Equal(t0) {
		t.Errorf("deactivating again moved DeactivatedAt to %v, want it kept at %v", again.DeactivatedAt, t0)
	}
	if back := got.Apply(UserUpdate{Active: &on}, t0); !back.Active() {
		t.Errorf("reactivated user is not active: %+v", back)
	}
	profiles := []ProfileID{"b"}
	p := u.Apply(UserUpdate{Profiles: &profiles}, t0)
	profiles[0] = "changed"
	if p.Profiles[0] != "b" || !p.MayUse("b") || p.MayUse("a") {
		t.Errorf("Apply(profiles b) = %v, want [b] and a copy", p.Profiles)
	}
}

func TestQueue_Validate(t *testing.T) {
	good := Queue{ID: "sales", Name: "Sales", OfferTimeoutSeconds: 30, Priority: 2, WaitingText: "Hold on", ClosedText: "Closed"}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", good, err)
	}
	tests := []struct {
		name   string
		mutate func(*Queue)
		reason string
		field  string
	}{
		{"no id", func(q *Queue) { q.ID = "" }, "required", "id"},
		{"upper-case id", func(q *Queue) { q.ID = "Sales" }, "id_invalid", "id"},
		{"long id", func(q *Queue) { q.ID = QueueID(strings.Repeat("s", 41)) }, "id_invalid", "id"},
		{"no name", func(q *Queue) { q.Name = "" }, "required", "name"},
		{"short offer timeout", func(q *Queue) { q.OfferTimeoutSeconds = 4 }, "offer_timeout_out_of_range", "offerTimeoutSeconds"},
		{"long offer timeout", func(q *Queue) { q.OfferTimeoutSeconds = 601 }, "offer_timeout_out_of_range", "offerTimeoutSeconds"},
		{"negative priority", func(q *Queue) { q.Priority = -1 }, "out_of_range", "priority"},
		{"high priority", func(q *Queue) { q.Priority = 10 }, "out_of_range", "priority"},
		{"long waiting text", func(q *Queue) { q.WaitingText = strings.Repeat("w", MaxQueueTextLen+1) }, "too_long", "waitingText"},
		{"closed text with NUL", func(q *Queue) { q.ClosedText = "a\x00b" }, "control_character", "closedText"},
		{"bad hours", func(q *Queue) { q.Hours = &OpeningHours{} }, "required", "hours.timeZone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := good
			tt.mutate(&q)
			wantFieldError(t, "Validate", q.Validate(), tt.reason, tt.field)
		})
	}
	if d := (Queue{}).OfferTimeout(7 * time.Second); d != 7*time.Second {
		t.Errorf("OfferTimeout of a queue without one = %s, want the default", d)
	}
	if d := good.OfferTimeout(7 * time.Second); d != 30*time.Second {
		t.Errorf("OfferTimeout = %s, want 30s", d)
	}
}

func TestQueue_Apply(t *testing.T) {
	q := Queue{ID: "s", Name: "S", Hours: &OpeningHours{TimeZone: "UTC"}}
	name := "Sales"
	if got := q.Apply(QueueUpdate{Name: &name}); got.Name != "Sales" || got.Hours == nil {
		t.Errorf("Apply(name) = %+v, want the name changed and the hours kept", got)
	}
	if got := q.Apply(QueueUpdate{SetHours: true}); got.Hours != nil {
		t.Errorf("Apply(SetHours nil) = %+v, want always open", got)
	}
}

func TestProfile_ValidateApply(t *testing.T) {
	p := Profile{ID: "front", Name: "Front", Queues: []QueueID{"a", "b"}}
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", p, err)
	}
	bad := p
	bad.Queues = []QueueID{"a", "a"}
	wantFieldError(t, "Validate(repeated queue)", bad.Validate(), "repeated", "queues")
	qs := []QueueID{"c"}
	if got := p.Apply(ProfileUpdate{Queues: &qs}); !cmp.Equal(got.Queues, []QueueID{"c"}) || got.Name != "Front" {
		t.Errorf("Apply(queues c) = %+v", got)
	}
}

func TestCheckVersion(t *testing.T) {
	if err := CheckVersion("queue", 3, 3); err != nil {
		t.Errorf("CheckVersion(3, 3) = %v", err)
	}
	if e := ErrorOf(CheckVersion("queue", 3, 2)); e.Code != EConflict || e.Reason != "stale_version" {
		t.Errorf("CheckVersion(3, 2) = %+v, want conflict stale_version", e)
	}
	wantFieldError(t, "CheckVersion(3, 0)", CheckVersion("queue", 3, 0), "version_required", "version")
}

func TestCheckPassword(t *testing.T) {
	if err := CheckPassword("password", "correct horse"); err != nil {
		t.Errorf("CheckPassword(good) = %v", err)
	}
	wantFieldError(t, "CheckPassword(short)", CheckPassword("password", "short"), "password_too_short", "password")
	wantFieldError(t, "CheckPassword(long)", CheckPassword("password", strings.Repeat("ø", 37)), "password_too_long", "password")
}

func TestWidgetSettings_Validate(t *testing.T) {
	good := DefaultWidgetSettings()
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(defaults) = %v", err)
	}
	tests := []struct {
		name   string
		mutate func(*WidgetSettings)
		reason string
		field  string
	}{
		{"colour without #", func(w *WidgetSettings) { w.Color = "1f5f8b" }, "color_invalid", "color"},
		{"short colour", func(w *WidgetSettings) { w.TextColor = "#fff" }, "color_invalid", "textColor"},
		{"white on yellow", func(w *WidgetSettings) { w.Color, w.TextColor = "#ffd166", "#ffffff" }, "contrast_too_low", "textColor"},
		{"long title", func(w *WidgetSettings) { w.Title = strings.Repeat("t", 61) }, "too_long", "title"},
		{"unknown language", func(w *WidgetSettings) { w.Language = "de" }, "language_unknown", "language"},
		{"a queue twice", func(w *WidgetSettings) { w.Queues = []QueueID{"a", "a"} }, "repeated", "queues"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := good
			tt.mutate(&w)
			wantFieldError(t, "Validate", w.Validate(), tt.reason, tt.field)
		})
	}
	if e := ErrorOf((WidgetSettings{Color: "#ffd166", TextColor: "#ffffff", Language: "en"}).Validate()); e.Params["ratio"] != "1.4" {
		t.Errorf("contrast error params = %v, want ratio 1.4 (rounded down)", e.Params)
	}
}

func TestContrastRatio(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#000000", 21},
		{"#777777", "#777777", 1},
		{"#1f5f8b", "#ffffff", 6.8}, // the default: well above AA
		{"nonsense", "#ffffff", 1},
	} {
		if got := ContrastRatio(tt.a, tt.b); got < tt.want-0.05 || got > tt.want+0.35 {
			t.Errorf("ContrastRatio(%s, %s) = %.2f, want about %.1f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestTokenScope_Covers(t *testing.T) {
	for _, tt := range []struct {
		scope  TokenScope
		method string
		admin  bool
		want   bool
	}{
		{ScopeRead, http.MethodGet, false, true},
		{ScopeRead, http.MethodGet, true, true},
		{ScopeRead, http.MethodPost, false, false},
		{ScopeWrite, http.MethodPost, false, true},
		{ScopeWrite, http.MethodGet, true, true},
		{ScopeWrite, http.MethodPatch, true, false},
		{ScopeAdmin, http.MethodDelete, true, true},
		{"", http.MethodGet, false, false},
	} {
		if got := tt.scope.Covers(tt.method, tt.admin); got != tt.want {
			t.Errorf("%q.Covers(%s, admin %v) = %v, want %v", tt.scope, tt.method, tt.admin, got, tt.want)
		}
	}
}
