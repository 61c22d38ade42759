package main

// Benchmarks of the tool's own per-message work. Skranke's hot paths are
// benchmarked beside their code: chat.ForCustomer in chat/event_test.go,
// the frame encoder and decoder in realtime/frame_test.go.

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"skranke/chat"
)

// eventFrame is the shape of the server's event frames, to make input for
// the tool's decoder.
type eventFrame struct {
	Type  string     `json:"type"`
	Event chat.Event `json:"event"`
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
	// A message as the server sends it; the tool reads its number from the text.
	e := chat.Event{ConversationID: chat.ConversationID(chat.NewID()), Seq: 1234, Time: time.Now(),
		Kind: chat.KindMessage, Visibility: chat.VisibleAll, Author: chat.Participant{Role: chat.PartyAgent, Name: "Bench"},
		Text: "m123 " + strings.Repeat("x", 300)}
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
