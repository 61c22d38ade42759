package chat

import (
	"slices"
	"time"
)

// ParticipationState is an agent's relation to a conversation now.
type ParticipationState string

// Participation states.
const (
	ParticipationOffered ParticipationState = "offered" // holds the chat's open offer
	ParticipationInvited ParticipationState = "invited" // holds its invitation's offer
	ParticipationJoined  ParticipationState = "joined"  // is in the chat, or was when it ended
	ParticipationGone    ParticipationState = "gone"    // none of those (any more)
)

// Participation records an agent's part in a conversation: who was offered,
// invited, joined and left which chat, when. Stores keep it in the
// transaction that appends the events that change it, so access checks and
// "the chats of agent X" never scan a log.
type Participation struct {
	ConversationID ConversationID     `json:"conversationId"`
	AgentID        UserID             `json:"agentId"`
	State          ParticipationState `json:"state"`
	FirstAt        time.Time          `json:"firstAt"`            // when the agent was first offered, invited or joined
	JoinedAt       time.Time          `json:"joinedAt,omitzero"`  // when the agent first joined; zero if never
	LeftAt         time.Time          `json:"leftAt,omitzero"`    // when the agent last stopped being in the chat
	UpdatedAt      time.Time          `json:"updatedAt,omitzero"` // the last change
	// UntilSeq is the Seq of the event that ended the agent's part (its
	// offer or invitation declined, its leaving), while State is gone; 0
	// while it has a part. An agent who never joined may read the log up
	// to there: what happened while it was theirs to answer.
	UntilSeq Seq `json:"untilSeq,omitempty"`
}

// TookPart reports whether the agent was in the chat at some time.
func (p Participation) TookPart() bool { return !p.JoinedAt.IsZero() }

// Current reports whether the agent is in the chat or holds its offer or
// invitation now (or was in it when it ended).
func (p Participation) Current() bool { return p.State != ParticipationGone && p.State != "" }

// ParticipationOf returns agent a's state in conversation c. The agents in
// a chat when it ends stay joined: the record says who ended with it.
func ParticipationOf(c Conversation, a UserID) ParticipationState {
	switch {
	case c.HasAgent(a):
		return ParticipationJoined
	case c.Offer != nil && c.Offer.AgentID == a:
		return ParticipationOffered
	case c.Invitation != nil && c.Invitation.AgentID == a:
		return ParticipationInvited
	}
	return ParticipationGone
}

// ParticipationChange is one agent's new state after an event, as a store
// merges it into its record: FirstAt is kept once set, JoinedAt is set at
// the first join, LeftAt at each leaving.
type ParticipationChange struct {
	ConversationID ConversationID
	AgentID        UserID
	State          ParticipationState
	At             time.Time
	Seq            Seq  // the event that made the change
	Joined         bool // the agent joined at At
	Left           bool // the agent stopped being in the chat at At
}

// Participations returns the changes of every agent's state from before to
// after, in agent id order, made by event seq at time at.
func Participations(before, after Conversation, seq Seq, at time.Time) []ParticipationChange {
	var ids []UserID
	for _, c := range []Conversation{before, after} {
		ids = append(ids, c.Agents...)
		if c.Offer != nil {
			ids = append(ids, c.Offer.AgentID)
		}
		if c.Invitation != nil && c.Invitation.AgentID != "" {
			ids = append(ids, c.Invitation.AgentID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []ParticipationChange
	for _, id := range ids {
		was, is := ParticipationOf(before, id), ParticipationOf(after, id)
		if before.ID == "" {
			was = ""
		}
		ended := is == ParticipationJoined && after.Status == StatusEnded && before.Status != StatusEnded
		if was == is && !ended {
			continue
		}
		out = append(out, ParticipationChange{
			ConversationID: after.ID,
			AgentID:        id,
			State:          is,
			At:             at,
			Seq:            seq,
			Joined:         is == ParticipationJoined && was != ParticipationJoined,
			Left:           (was == ParticipationJoined && is != ParticipationJoined) || ended,
		})
	}
	return out
}
