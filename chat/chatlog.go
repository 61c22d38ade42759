package chat

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of a chat log search.
const (
	MaxSearchWords = 8  // words in one search
	MaxSearchWord  = 64 // characters in one word
	MinPrefixWord  = 3  // shorter words match whole words only, longer ones the start of words too
)

// SearchWords splits a search into the words both stores index: runs of
// letters and digits, in lower case, each once, in order; everything else
// separates them. At most MaxSearchWords are kept, each cut to
// MaxSearchWord characters. A word of MinPrefixWord characters or more
// also matches longer words it begins ("kontrakt" finds "kontrakten").
func SearchWords(q string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) > MaxSearchWord {
			w = string([]rune(w)[:MaxSearchWord])
		}
		if !slices.Contains(words, w) {
			words = append(words, w)
		}
		if len(words) == MaxSearchWords {
			break
		}
	}
	return words
}

// Highlight splits text into the parts that match the search words (as
// the stores match them: whole words, or the start of words for words of
// MinPrefixWord characters or more) and those that do not, for showing
// them marked without any markup in the text.
func Highlight(text string, words []string) []TextPart {
	var parts []TextPart
	add := func(s string, hit bool) {
		if s == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Hit == hit {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, TextPart{Text: s, Hit: hit})
	}
	rest := text
	for rest != "" {
		// The next word of the text.
		i := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
		if i < 0 {
			add(rest, false)
			break
		}
		add(rest[:i], false)
		rest = rest[i:]
		j := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if j < 0 {
			j = len(rest)
		}
		word := rest[:j]
		lower := strings.ToLower(word)
		hit := 0
		for _, w := range words {
			if lower == w {
				hit = len(word)
				break
			}
			if utf8.RuneCountInString(w) >= MinPrefixWord && strings.HasPrefix(lower, w) {
				// The matched start, in the text's own letters.
				hit = max(hit, prefixLen(word, utf8.RuneCountInString(w)))
			}
		}
		add(word[:hit], true)
		add(word[hit:], false)
		rest = rest[j:]
	}
	return parts
}

// prefixLen returns the byte length of the first n runes of s.
func prefixLen(s string, n int) int {
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// TextPart is a part of a text, matching a search (Hit) or not.
type TextPart struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit,omitempty"`
}

// Evaluation is an administrator's or supervisor's assessment of an ended
// chat: a score from 1 to 5 and a note. It is kept apart from the chat's
// own log. Version counts its saves, so two evaluators cannot overwrite
// each other unawares.
type Evaluation struct {
	ConversationID ConversationID `json:"conversationId"`
	Score          int            `json:"score"`
	Note           string         `json:"note"`
	Author         Participant    `json:"author"`
	UpdatedAt      time.Time      `json:"updatedAt"`
	Version        int            `json:"version"`
}

// Limits of an evaluation.
const MaxEvaluationNote = 5000

// CheckEvaluation checks an evaluation's score and note.
func CheckEvaluation(e Evaluation) error {
	if e.Score < 1 || e.Score > 5 {
		return E(EInvalid, "evaluation_score", "The score is from 1 to 5.")
	}
	if utf8.RuneCountInString(e.Note) > MaxEvaluationNote {
		return E(ETooLarge, "evaluation_note_too_long", "The note is longer than {max} characters.", "max", MaxEvaluationNote)
	}
	return CheckText(e.Note, TextNote)
}

// SearchText is text as a search index takes it: its words (letters and
// digits, in lower case) separated by single spaces. A store whose own
// tokenizer reads more into punctuation (PostgreSQL sees e-mail addresses,
// host names and decimals as one token) indexes this instead of the text,
// so that every store finds the same words.
func SearchText(text string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
