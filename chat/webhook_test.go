package chat

import "testing"

// TestWebhookTypeOf: each stored kind that a webhook tells of has its
// type, private messages are marked private, and the rest have none.
func TestWebhookTypeOf(t *testing.T) {
	for _, tc := range []struct {
		e       Event
		want    WebhookType
		private bool
	}{
		{Event{Kind: KindStarted}, WebhookChatStarted, false},
		{Event{Kind: KindOffered}, WebhookChatOffered, false},
		{Event{Kind: KindAgentJoined}, WebhookChatAccepted, false},
		{Event{Kind: KindEnded}, WebhookChatEnded, false},
		{Event{Kind: KindTransferred, Data: Transferred{QueueID: "support", Note: "a note"}}, WebhookChatTransfer, false},
		{Event{Kind: KindMessage, Visibility: VisibleAll}, WebhookMessageSent, false},
		{Event{Kind: KindMessage, Visibility: VisibleAgents}, WebhookMessageSent, true},
		{Event{Kind: KindMonitored}, "", false},
		{Event{Kind: KindTyping}, "", false},
	} {
		got, private := WebhookTypeOf(tc.e)
		if got != tc.want || private != tc.private {
			t.Errorf("WebhookTypeOf(%s) = %q, %v; want %q, %v", tc.e.Kind, got, private, tc.want, tc.private)
		}
	}
}
