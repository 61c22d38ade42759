package chat

import "time"

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
	CustomerErasure bool      `json:"customerErasure"`
	Version         int64     `json:"version"` // 0 until first saved
	UpdatedAt       time.Time `json:"updatedAt,omitzero"`
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
	check := func(days int) error {
		if days < 0 || days > MaxRetentionDays {
			return E(EInvalid, "retention_out_of_range", "Keep chats between 0 (until erased) and {max} days.", "max", MaxRetentionDays)
		}
		return nil
	}
	if err := check(p.RetentionDays); err != nil {
		return err
	}
	for q, d := range p.QueueRetentionDays {
		if err := CheckID(string(q), "queueId"); err != nil {
			return err
		}
		if err := check(d); err != nil {
			return err
		}
	}
	return nil
}
