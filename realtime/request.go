package realtime

import (
	"context"
	"slices"

	"skranke/auth"
	"skranke/chat"
	"skranke/conversation"
)

// frameSpec is one type of client frame after hello: who may send it and
// what it does. Each does nothing but call one conversation.Service method
// with the session's actor and answer.
type frameSpec struct {
	customer, agent bool // who may send it
	supervisor      bool // on the supervisor's socket (supervisor.go)
	handle          func(s *session, ctx context.Context, f inFrame) error
}

// frames is the table of every client frame after hello; docs/protocol.md
// describes each. The leak test reads it (FrameTypes) to cover every frame
// a customer may send.
var frames = map[string]frameSpec{
	"send":     {customer: true, agent: true, handle: (*session).sendFrame},
	"identify": {customer: true, handle: (*session).identify},
	"typing":   {customer: true, agent: true, handle: (*session).typing},
	"end":      {customer: true, agent: true, handle: (*session).end},
	"accept":   {agent: true, handle: (*session).accept},
	"reject":   {agent: true, handle: (*session).reject},
	"status":   {agent: true, handle: (*session).status},
	"invite":   {agent: true, handle: (*session).invite},
	"transfer": {agent: true, handle: (*session).transfer},
	"withdraw": {agent: true, handle: (*session).withdraw},
	"leave":    {agent: true, handle: (*session).leave},
	// On the supervisor's socket (supervisor.go).
	"monitor":       {supervisor: true, handle: (*session).monitor},
	"unmonitor":     {supervisor: true, handle: (*session).unmonitor},
	"whisper":       {supervisor: true, handle: (*session).whisper},
	"pause_agent":   {supervisor: true, handle: (*session).pauseAgent},
	"log_off_agent": {supervisor: true, handle: (*session).logOffAgent},
	"reroute":       {supervisor: true, handle: (*session).reroute},
	"take_over":     {supervisor: true, handle: (*session).takeOver},
	// Choice menus (R9).
	"menu":          {agent: true, handle: (*session).menu},
	"choose":        {customer: true, handle: (*session).choose},
	"withdraw_menu": {agent: true, handle: (*session).withdrawMenu},
}

// FrameTypes lists the frame types a customer (customer true), or an agent
// or supervisor, may send after hello, sorted.
func FrameTypes(customer bool) []string {
	var out []string
	for t, spec := range frames {
		if (customer && spec.customer) || (!customer && (spec.agent || spec.supervisor)) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// handle carries out one client frame after hello. The returned error is
// sent to the client; the connection goes on.
func (s *session) handle(ctx context.Context, f inFrame) error {
	ctx, cancel := context.WithTimeout(ctx, s.hub.opts.RequestTimeout)
	defer cancel()
	spec, ok := frames[f.Type]
	switch {
	case f.Type == "hello":
		return chat.E(chat.EInvalid, "hello_repeated", "Hello was already received.")
	case !ok:
		return chat.E(chat.EInvalid, "frame_type_unknown", "Unknown frame type \"{type}\".", "type", f.Type)
	case s.supervisor && !spec.supervisor:
		return chat.E(chat.EInvalid, "frame_not_for_supervisor_socket", "Frame \"{type}\" is not for the supervisor's socket.", "type", f.Type)
	case s.actor.Customer != nil && !spec.customer, s.actor.User != nil && !s.supervisor && !spec.agent && !spec.customer:
		return chat.E(chat.EForbidden, "agents_only", "Only agents can {action}.", "action", f.Type)
	case s.actor.User != nil && !s.supervisor && !spec.agent:
		return chat.E(chat.EForbidden, "customers_only", "Only the customer can {action}.", "action", f.Type)
	}
	return spec.handle(s, ctx, f)
}

// request is the conversation.Request of frame f: acknowledged (ack) as
// soon as its event is committed, before the event is published, so the
// sender hears "ack" before it sees its own event.
func (s *session) request(f inFrame) conversation.Request {
	return conversation.Request{ClientMsgID: f.ClientMsgID, Committed: func(e chat.Event) {
		s.reply(ackFrame{Type: "ack", RequestID: f.RequestID, ConversationID: e.ConversationID, Seq: e.Seq, ClientMsgID: f.ClientMsgID})
	}}
}

// needsRequestID refuses a request without the id its answer carries.
func needsRequestID(f inFrame) error {
	if f.RequestID == "" {
		return chat.E(chat.EInvalid, "request_id_required", "requestId is required.")
	}
	return nil
}

// operation is a conversation.Service method that takes nothing but the
// conversation and the request.
type operation func(ctx context.Context, a auth.Actor, id chat.ConversationID, r conversation.Request) (chat.Event, error)

// byID carries out an operation frame; the answer is the request's ack.
func (s *session) byID(ctx context.Context, f inFrame, op operation) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := op(ctx, s.actor, f.ConversationID, s.request(f))
	return err
}

func (s *session) sendFrame(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := s.svc().Send(ctx, s.actor, f.ConversationID, conversation.SendRequest{Request: s.request(f), Text: f.Text, Private: f.Private,
		AttachmentIDs: f.AttachmentIDs})
	return err
}

func (s *session) typing(ctx context.Context, f inFrame) error {
	return s.svc().Typing(ctx, s.actor, f.ConversationID, f.Private)
}

func (s *session) end(ctx context.Context, f inFrame) error { return s.byID(ctx, f, s.svc().End) }

func (s *session) accept(ctx context.Context, f inFrame) error { return s.byID(ctx, f, s.svc().Accept) }

func (s *session) reject(ctx context.Context, f inFrame) error { return s.byID(ctx, f, s.svc().Reject) }

func (s *session) withdraw(ctx context.Context, f inFrame) error {
	return s.byID(ctx, f, s.svc().Withdraw)
}

func (s *session) leave(ctx context.Context, f inFrame) error { return s.byID(ctx, f, s.svc().Leave) }

func (s *session) invite(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := s.svc().Invite(ctx, s.actor, f.ConversationID, conversation.InviteRequest{
		Request: s.request(f), AgentID: f.AgentID, QueueID: f.QueueID, Note: f.Note})
	return err
}

func (s *session) transfer(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := s.svc().Transfer(ctx, s.actor, f.ConversationID, conversation.TransferRequest{
		Request: s.request(f), AgentID: f.AgentID, QueueID: f.QueueID, Note: f.Note})
	return err
}

func (s *session) status(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	state, err := s.svc().SetStatus(ctx, s.actor, f.Status, f.ProfileID)
	if err != nil {
		return err
	}
	s.reply(ackFrame{Type: "ack", RequestID: f.RequestID, State: &state})
	return nil
}

func (s *session) menu(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := s.svc().SendMenu(ctx, s.actor, f.ConversationID, conversation.MenuRequest{
		Request: s.request(f), Question: f.Text, Options: f.Options, SavedMenuID: f.SavedMenuID})
	return err
}

func (s *session) choose(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := s.svc().Choose(ctx, s.actor, f.ConversationID, conversation.ChoiceRequest{
		Request: s.request(f), MenuID: f.MenuID, OptionID: f.OptionID})
	return err
}

func (s *session) withdrawMenu(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := s.svc().WithdrawMenu(ctx, s.actor, f.ConversationID, conversation.MenuWithdrawRequest{
		Request: s.request(f), MenuID: f.MenuID})
	return err
}

// identify verifies the customer's identity token; the answer is an
// identified frame, or an error with the refusal's reason. The session's
// actor stays as it was at hello (it is immutable): the session is of one
// conversation, the customer's own, whatever the token says.
func (s *session) identify(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	d, err := s.svc().Identify(ctx, s.actor, f.Identity)
	if err != nil {
		return err
	}
	s.reply(identifiedFrame{Type: "identified", RequestID: f.RequestID, Customer: d})
	return nil
}
