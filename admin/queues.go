package admin

import (
	"context"
	"fmt"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Queues lists the queues, by name.
func (s *Service) Queues(ctx context.Context, a auth.Actor) ([]chat.Queue, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	qs, err := s.st.Queues(ctx)
	if err != nil {
		return nil, fmt.Errorf("queues: %w", err)
	}
	return nonNil(qs), nil
}

// OpenState is whether a queue takes new chats now, and when that changes.
type OpenState struct {
	Open  bool      `json:"open"`
	Until time.Time `json:"until,omitzero"`
}

// OpenNow says, by the service's clock, which of qs take new chats now.
func (s *Service) OpenNow(qs []chat.Queue) map[chat.QueueID]OpenState {
	now := s.opts.Now()
	out := make(map[chat.QueueID]OpenState, len(qs))
	for _, q := range qs {
		open, until := q.OpenAt(now)
		out[q.ID] = OpenState{open, until}
	}
	return out
}

// Queue returns one queue that has not been removed.
func (s *Service) Queue(ctx context.Context, a auth.Actor, id chat.QueueID) (chat.Queue, error) {
	if err := reader(a); err != nil {
		return chat.Queue{}, err
	}
	q, err := s.st.Queue(ctx, id)
	if err == nil && !q.RemovedAt.IsZero() {
		return chat.Queue{}, chat.E(chat.ENotFound, "queue_not_found", "No such queue.")
	}
	return q, err
}

// CreateQueue creates a queue.
func (s *Service) CreateQueue(ctx context.Context, a auth.Actor, q chat.Queue) (chat.Queue, error) {
	by, err := changer(a)
	if err != nil {
		return chat.Queue{}, err
	}
	if q, err = store.CreateQueue(ctx, s.st, q, by); err != nil {
		return chat.Queue{}, err
	}
	s.announce(ctx, chat.DirectoryChanged{Queues: []chat.QueueID{q.ID}})
	return q, nil
}

// UpdateQueue changes a queue's name, offer timeout, priority or texts;
// SetHours its opening hours.
func (s *Service) UpdateQueue(ctx context.Context, a auth.Actor, id chat.QueueID, upd chat.QueueUpdate) (chat.Queue, error) {
	upd.SetHours, upd.Hours = false, nil
	return s.updateQueue(ctx, a, id, upd)
}

// SetHours replaces a queue's opening hours; nil makes it always open.
func (s *Service) SetHours(ctx context.Context, a auth.Actor, id chat.QueueID, version int64, hours *chat.OpeningHours) (chat.Queue, error) {
	return s.updateQueue(ctx, a, id, chat.QueueUpdate{Version: version, SetHours: true, Hours: hours})
}

func (s *Service) updateQueue(ctx context.Context, a auth.Actor, id chat.QueueID, upd chat.QueueUpdate) (chat.Queue, error) {
	by, err := changer(a)
	if err != nil {
		return chat.Queue{}, err
	}
	q, err := store.UpdateQueue(ctx, s.st, id, upd, by)
	if err != nil {
		return chat.Queue{}, err
	}
	s.announce(ctx, chat.DirectoryChanged{Queues: []chat.QueueID{id}})
	return q, nil
}

// RemoveQueue removes a queue without waiting or active chats; version 0
// is any version.
func (s *Service) RemoveQueue(ctx context.Context, a auth.Actor, id chat.QueueID, version int64) error {
	by, err := changer(a)
	if err != nil {
		return err
	}
	res, err := store.RemoveQueue(ctx, s.st, id, version, by)
	if err != nil {
		return err
	}
	s.announce(ctx, chat.DirectoryChanged{Queues: []chat.QueueID{id}, Profiles: res.Profiles, Widget: true})
	return nil
}

// Profiles lists the profiles, by name.
func (s *Service) Profiles(ctx context.Context, a auth.Actor) ([]chat.Profile, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	ps, err := s.st.Profiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	return nonNil(ps), nil
}

// Profile returns one profile.
func (s *Service) Profile(ctx context.Context, a auth.Actor, id chat.ProfileID) (chat.Profile, error) {
	if err := reader(a); err != nil {
		return chat.Profile{}, err
	}
	return s.st.Profile(ctx, id)
}

// CreateProfile creates a profile. Nobody may use it until it is given to
// users (UserUpdate.Profiles).
func (s *Service) CreateProfile(ctx context.Context, a auth.Actor, p chat.Profile) (chat.Profile, error) {
	by, err := changer(a)
	if err != nil {
		return chat.Profile{}, err
	}
	if p, err = store.CreateProfile(ctx, s.st, p, by); err != nil {
		return chat.Profile{}, err
	}
	s.announce(ctx, chat.DirectoryChanged{Profiles: []chat.ProfileID{p.ID}})
	return p, nil
}

// UpdateProfile changes a profile. Agents working in it are offered chats
// of its new queues at once; the chats and offers they hold stay theirs.
func (s *Service) UpdateProfile(ctx context.Context, a auth.Actor, id chat.ProfileID, upd chat.ProfileUpdate) (chat.Profile, error) {
	by, err := changer(a)
	if err != nil {
		return chat.Profile{}, err
	}
	p, err := store.UpdateProfile(ctx, s.st, id, upd, by)
	if err != nil {
		return chat.Profile{}, err
	}
	s.announce(ctx, chat.DirectoryChanged{Profiles: []chat.ProfileID{id}})
	return p, nil
}

// DeleteProfile deletes a profile; the agents working in it are paused
// without a profile and told (they keep their chats). version 0 is any
// version.
func (s *Service) DeleteProfile(ctx context.Context, a auth.Actor, id chat.ProfileID, version int64) error {
	by, err := changer(a)
	if err != nil {
		return err
	}
	paused, err := store.DeleteProfile(ctx, s.st, id, version, by)
	if err != nil {
		return err
	}
	s.announce(ctx, chat.DirectoryChanged{Profiles: []chat.ProfileID{id}, Users: paused})
	for _, uid := range paused {
		u, err := s.st.User(ctx, uid)
		if err != nil {
			u = chat.User{ID: uid}
		}
		s.paused(ctx, u)
	}
	return nil
}
