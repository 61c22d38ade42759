package chat

import (
	"maps"
	"time"
)

// Privacy is how the organisation keeps its customers' chats (R15): how
// long, and what a customer may ask for.
type Privacy struct {
	// RetentionDays is how long an ended chat is kept; 0 keeps chats until
	// they are erased.
	RetentionDays int `json:"retentionDays"`
	// QueueRetentionDays overrides RetentionDays for the queues it names
	// (0: keep that queue's chats).
	QueueRetentionDays map[QueueID]int `json:"queueRetentionDays"`
	// CustomerErasure lets a customer ask, from the widget, that their chat
	// be deleted once it has ended.
	CustomerErasure bool `json:"customerErasure"`
	// AutoTranscript sends each chat's transcript to its customer's
	// verified e-mail address when the chat ends (R14), for the chats
	// that ended since AutoTranscriptSince (when it was turned on).
	AutoTranscript      bool      `json:"autoTranscript"`
	AutoTranscriptSince time.Time `json:"autoTranscriptSince,omitzero"`
	Version             int64     `json:"version"` // 0 until first saved
	UpdatedAt           time.Time `json:"updatedAt,omitzero"`
}

// MaxRetentionDays is the longest retention that can be set: ten years.
const MaxRetentionDays = 3650

// DefaultPrivacy is the policy of an organisation that has set none: keep
// chats for a year; customers cannot ask for erasure from the widget.
func DefaultPrivacy() Privacy {
	return Privacy{RetentionDays: 365, QueueRetentionDays: map[QueueID]int{}}
}

// Check checks a policy's values.
func (p Privacy) Check() error {
	if p.RetentionDays < 0 || p.RetentionDays > MaxRetentionDays {
		return E(EInvalid, "retention_out_of_range", "Keep chats between 0 (until erased) and {max} days.", "field", "retentionDays", "max", MaxRetentionDays)
	}
	for q, d := range p.QueueRetentionDays {
		if err := CheckID(string(q), "queueId"); err != nil {
			return err
		}
		if d < 0 || d > MaxRetentionDays {
			return E(EInvalid, "retention_out_of_range", "Keep chats between 0 (until erased) and {max} days.", "field", "queueRetentionDays."+string(q), "max", MaxRetentionDays)
		}
	}
	return nil
}

// PrivacyUpdate changes some of a privacy policy: the fields that are set,
// made from the policy of Version. QueueRetentionDays, when set, replaces
// the queues' retention as a whole.
type PrivacyUpdate struct {
	Version            int64            `json:"version"`
	RetentionDays      *int             `json:"retentionDays,omitempty"`
	QueueRetentionDays *map[QueueID]int `json:"queueRetentionDays,omitempty"`
	CustomerErasure    *bool            `json:"customerErasure,omitempty"`
	AutoTranscript     *bool            `json:"autoTranscript,omitempty"`
}

// Apply returns p with the update applied. It neither checks nor counts
// the version.
func (p Privacy) Apply(u PrivacyUpdate) Privacy {
	if u.RetentionDays != nil {
		p.RetentionDays = *u.RetentionDays
	}
	if u.QueueRetentionDays != nil {
		p.QueueRetentionDays = maps.Clone(*u.QueueRetentionDays)
	}
	if p.QueueRetentionDays == nil {
		p.QueueRetentionDays = map[QueueID]int{}
	}
	if u.CustomerErasure != nil {
		p.CustomerErasure = *u.CustomerErasure
	}
	if u.AutoTranscript != nil {
		p.AutoTranscript = *u.AutoTranscript
	}
	return p
}
