package chat

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSearchWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"Kontrakt ØKONOMI", []string{"kontrakt", "økonomi"}},
		{"  e-mail, e-mail!  ", []string{"e", "mail"}},
		{`"DROP TABLE"; --`, []string{"drop", "table"}},
		{"a b c d e f g h i j", []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
		{"***", nil},
	} {
		if got := SearchWords(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("SearchWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	got := Highlight("Kontrakten er sendt, se kontrakt-nr. 42!", []string{"kontrakt", "42", "se"})
	want := []TextPart{
		{Text: "Kontrakt", Hit: true}, {Text: "en er sendt, "}, {Text: "se", Hit: true}, {Text: " "},
		{Text: "kontrakt", Hit: true}, {Text: "-nr. "}, {Text: "42", Hit: true}, {Text: "!"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Highlight (-want +got):\n%s", d)
	}
	// Short words match whole words only.
	got = Highlight("sent send se", []string{"se"})
	want = []TextPart{{Text: "sent send "}, {Text: "se", Hit: true}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Highlight of a short word (-want +got):\n%s", d)
	}
	if got := Highlight("<b>x</b>", []string{"b"}); got[1] != (TextPart{Text: "b", Hit: true}) {
		t.Errorf("Highlight keeps markup as text: %+v", got)
	}
}
