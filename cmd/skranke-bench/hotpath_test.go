package main

// Benchmarks of Skranke's per-message hot paths that its exported API
// reaches, and of the tool's own. The frame encoder and decoder of package
// realtime are unexported, so BenchmarkEncodeEventFrame and
// BenchmarkDecodeSendFrame mirror them exactly (realtime.encodeEvent:
// json.Marshal of {"type":"event","event":chat.Event}; realtime.readFrame:
// json.Decoder with DisallowUnknownFields into its inFrame). Their proper
// home is realtime/frame_test.go, next to the code they measure.

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"skranke/chat"
)

// sampleMessage is a typical stored message as the hub fans it out.
func sampleMessage(textLen int) chat.Event {
	return chat.Event{
		ConversationID: chat.ConversationID(chat.NewID()), Seq: 1234, Time: time.Date(2026, 11, 25, 10, 0, 0, 123456789, time.UTC),
		Kind: chat.KindMessage, Visibility: chat.VisibleAll,
		Author:      chat.Participant{Role: chat.PartyAgent, ID: "u-bench00042", Name: "Bench 42"},
		ClientMsgID: "6f1c0c52-7a4e-4d4f-9d59-2f7a3c1b9e10", Text: strings.Repeat("hello there ", textLen/12),
	}
}

func BenchmarkForCustomer(b *testing.B) {
	for _, tc := range []struct {
		name string
		e    chat.Event
	}{
		{"message", sampleMessage(300)},
		{"offered_hidden", chat.Event{ConversationID: "c", Seq: 2, Kind: chat.KindOffered, Visibility: chat.VisibleAgents, AgentID: "u-1", ExpiresAt: time.Now()}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				chat.ForCustomer(tc.e)
			}
		})
	}
}

// eventFrame mirrors realtime's eventFrame.
type eventFrame struct {
	Type  string     `json:"type"`
	Event chat.Event `json:"event"`
}

func BenchmarkEncodeEventFrame(b *testing.B) {
	for _, n := range []int{100, 300, 500} {
		e := sampleMessage(n)
		b.Run("agent_"+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(eventFrame{Type: "event", Event: e}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("customer_"+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ce, _ := chat.ForCustomer(e)
				if _, err := json.Marshal(eventFrame{Type: "event", Event: ce}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// serverInFrame mirrors realtime's inFrame (what the server decodes).
type serverInFrame struct {
	Type           string                           `json:"type"`
	RequestID      string                           `json:"requestId,omitempty"`
	Token          string                           `json:"token,omitempty"`
	ConversationID chat.ConversationID              `json:"conversationId,omitempty"`
	AfterSeq       chat.Seq                         `json:"afterSeq,omitempty"`
	Resume         map[chat.ConversationID]chat.Seq `json:"resume,omitempty"`
	ClientMsgID    string                           `json:"clientMsgId,omitempty"`
	Text           string                           `json:"text,omitempty"`
	Private        bool                             `json:"private,omitempty"`
	Status         chat.AgentStatus                 `json:"status,omitempty"`
	ProfileID      chat.ProfileID                   `json:"profileId,omitempty"`
}

func BenchmarkDecodeSendFrame(b *testing.B) {
	p := &party{}
	data := p.encode(nil, outItem{kind: itemSend, msg: 123456, size: 300, conv: chat.NewID(), req: 99})
	b.ReportAllocs()
	for b.Loop() {
		var f serverInFrame
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			b.Fatal(err)
		}
	}
}

// The tool's own per-message work.

func BenchmarkToolEncodeSend(b *testing.B) {
	p := &party{}
	buf := make([]byte, 0, 1024)
	it := outItem{kind: itemSend, msg: 123456, size: 300, conv: chat.NewID(), req: 99}
	b.ReportAllocs()
	for b.Loop() {
		buf = p.encode(buf[:0], it)
	}
}

func BenchmarkToolDecodeEvent(b *testing.B) {
	e := sampleMessage(300)
	e.Text = "m123 " + e.Text
	data, _ := json.Marshal(eventFrame{Type: "event", Event: e})
	b.ReportAllocs()
	for b.Loop() {
		var f inFrame
		if err := json.Unmarshal(data, &f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHistRecord(b *testing.B) {
	var h hist
	for i := 0; b.Loop(); i++ {
		h.Record(time.Duration(i%5000) * time.Microsecond)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
