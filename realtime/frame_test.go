package realtime

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"skranke/chat"
)

func TestDecodeFrame(t *testing.T) {
	f, err := decodeFrame([]byte(`{"type":"send","requestId":"r1","conversationId":"c","clientMsgId":"m","text":"hi","private":true}`))
	if err != nil || f.Type != "send" || f.RequestID != "r1" || f.Text != "hi" || !f.Private {
		t.Errorf("decodeFrame(send) = %+v, %v", f, err)
	}
	tests := []struct {
		name, in, wantID, wantMsg string
	}{
		{"unknown field keeps the request id", `{"type":"send","requestId":"r2","colour":"red"}`, "r2", `unknown field "colour"`},
		{"truncated", `{"type":"send",`, "", "ends too early"},
		{"wrong type", `{"type":"send","requestId":"r3","private":"yes"}`, "r3", `"private" has the wrong type`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := decodeFrame([]byte(tt.in))
			if chat.ErrorCode(err) != chat.EInvalid || f.RequestID != tt.wantID || !strings.Contains(chat.ErrorMessage(err), tt.wantMsg) {
				t.Errorf("decodeFrame(%s) = %+v, %v; want invalid, request id %q, message with %q", tt.in, f, err, tt.wantID, tt.wantMsg)
			}
		})
	}
}

// sampleMessage is a typical stored message as the hub fans it out.
func sampleMessage(textLen int) chat.Event {
	return chat.Event{
		ConversationID: chat.ConversationID(chat.NewID()), Seq: 1234, Time: time.Date(2026, 11, 25, 10, 0, 0, 123456789, time.UTC),
		Kind: chat.KindMessage, Visibility: chat.VisibleAll,
		Author:      chat.Participant{Role: chat.PartyAgent, ID: "u-bench00042", Name: "Bench 42"},
		ClientMsgID: "6f1c0c52-7a4e-4d4f-9d59-2f7a3c1b9e10", Text: strings.Repeat("hello there ", textLen/12),
	}
}

// BenchmarkEncodeEvent measures the encoding the hub does once per event
// and audience.
func BenchmarkEncodeEvent(b *testing.B) {
	for _, n := range []int{100, 300, 500} {
		e := sampleMessage(n)
		b.Run("agent_"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				encodeEvent(e)
			}
		})
		b.Run("customer_"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ce, _ := chat.ForCustomer(e)
				encodeCustomerEvent(ce)
			}
		})
	}
}

// BenchmarkDecodeFrame measures decoding a client's send frame.
func BenchmarkDecodeFrame(b *testing.B) {
	data, _ := json.Marshal(map[string]any{"type": "send", "requestId": "99", "conversationId": chat.NewID(),
		"clientMsgId": "m123456", "text": strings.Repeat("x", 300)})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeFrame(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEncodeEvent: the event frames written around the event's own
// encoding are byte for byte what json.Marshal makes of the frame structs,
// for texts that need escaping and events with payloads, in both views.
func TestEncodeEvent(t *testing.T) {
	plain := sampleMessage(100)
	tricky := sampleMessage(0)
	tricky.Text = "<b>&amp;</b> \"quoted\" \\ \u2028 æøå \U0001F600 \x01"
	offer := sampleMessage(0)
	offer.Kind, offer.Text, offer.Visibility = chat.KindOffered, "", chat.VisibleAgents
	offer.Data = chat.Offered{AgentRef: chat.AgentRef{AgentID: "u-1"}, QueueID: "q-1", ExpiresAt: plain.Time.Add(time.Minute)}
	joined := sampleMessage(0)
	joined.Kind, joined.Text = chat.KindAgentJoined, ""
	joined.Data = chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: "u-1", AgentName: "Anna <A&B>"}}
	for _, e := range []chat.Event{plain, tricky, offer, joined} {
		want := mustEncode(eventFrame{Type: "event", Event: e})
		if got := encodeEvent(e); string(got) != string(want) {
			t.Errorf("encodeEvent(%s) = %s, want %s", e.Kind, got, want)
		}
		ce, ok := chat.ForCustomer(e)
		if !ok {
			continue
		}
		want = mustEncode(customerEventFrame{Type: "event", Event: ce})
		if got := encodeCustomerEvent(ce); string(got) != string(want) {
			t.Errorf("encodeCustomerEvent(%s) = %s, want %s", e.Kind, got, want)
		}
	}
}
