package apptest_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// TestMeasure_DeliveryLatency measures, when SKRANKE_MEASURE=1, the delivery
// latency of customer messages to agents at an open-loop 1,000 msg/s, on a
// single SQLite node, on a single PostgreSQL+NATS node, and across two
// PostgreSQL+NATS nodes (customers on one, agents on the other). It reports
// figures for docs/benchmarks.md and asserts only that nothing was lost.
func TestMeasure_DeliveryLatency(t *testing.T) {
	if os.Getenv("SKRANKE_MEASURE") != "1" {
		t.Skip("set SKRANKE_MEASURE=1 to measure delivery latency")
	}
	const rate, seconds, chats = 1000, 10, 40
	for _, tc := range []struct {
		name  string
		nodes func(t *testing.T) (customers, agents *apptest.App)
	}{
		{"single node, SQLite", func(t *testing.T) (*apptest.App, *apptest.App) {
			a := apptest.Start(t, apptest.Options{})
			return a, a
		}},
		{"single node, PostgreSQL + NATS", func(t *testing.T) (*apptest.App, *apptest.App) {
			a := apptest.Start(t, apptest.Options{Postgres: true, NATS: true})
			return a, a
		}},
		{"two nodes, PostgreSQL + NATS, across", func(t *testing.T) (*apptest.App, *apptest.App) {
			n := apptest.StartCluster(t, 2, apptest.Options{Postgres: true, NATS: true})
			return n[0], n[1]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			custNode, agentNode := tc.nodes(t)
			const perAgent = 10
			var agents []*apptest.Conn
			for i := range chats / perAgent {
				name := fmt.Sprintf("load%d", i)
				custNode.AddAgent(t, name, perAgent, "sales")
				c := agentNode.LoginWith(t, name, "pw-"+name).DialAgent(t, nil)
				c.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
				c.Request(map[string]any{"type": "status", "status": "ready", "profileId": "sales"})
				agents = append(agents, c)
			}
			type pair struct {
				cust  *apptest.Conn
				agent *apptest.Conn
				id    chat.ConversationID
			}
			var pairs []pair
			for range chats {
				k := custNode.NewCustomer(t, "sales", "Load")
				var got *apptest.Conn
				for got == nil {
					for _, a := range agents {
						if f, err := a.Read(20 * time.Millisecond); err == nil && f.Type == "event" && f.Event.Kind == chat.KindOffered && f.Event.ConversationID == k.ConversationID {
							got = a
							break
						}
					}
				}
				got.Request(map[string]any{"type": "accept", "conversationId": k.ConversationID})
				cust := k.DialCustomer(t, 0)
				cust.WaitEvent(chat.KindAgentJoined, k.ConversationID)
				pairs = append(pairs, pair{cust, got, k.ConversationID})
			}
			// Receivers: one per agent socket, recording when each message
			// arrives; the text carries its scheduled send time.
			var mu sync.Mutex
			var lat []time.Duration
			done := make(chan struct{}) // closed when every message arrived
			stop := make(chan struct{}) // closed to stop the receivers
			var doneOnce sync.Once
			var wg sync.WaitGroup
			total := rate * seconds
			for _, a := range agents {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						f, err := a.Read(200 * time.Millisecond)
						if err != nil || f.Type != "event" || f.Event.Kind != chat.KindMessage {
							continue
						}
						ns, err := strconv.ParseInt(strings.Fields(f.Event.Text)[0], 10, 64)
						if err != nil {
							continue
						}
						d := time.Since(time.Unix(0, ns))
						mu.Lock()
						lat = append(lat, d)
						n := len(lat)
						mu.Unlock()
						if n == total {
							doneOnce.Do(func() { close(done) })
						}
					}
				}()
			}
			start := time.Now()
			pad := strings.Repeat("x", 200)
			for i := range total {
				at := start.Add(time.Duration(i) * time.Second / rate)
				time.Sleep(time.Until(at))
				p := pairs[i%len(pairs)]
				p.cust.Send(map[string]any{"type": "send", "requestId": strconv.Itoa(i), "conversationId": p.id,
					"clientMsgId": strconv.Itoa(i), "text": fmt.Sprintf("%d %s", at.UnixNano(), pad)})
			}
			select {
			case <-done:
			case <-time.After(30 * time.Second):
			}
			close(stop)
			wg.Wait()
			mu.Lock()
			got := len(lat)
			ls := slices.Clone(lat)
			mu.Unlock()
			if got != total {
				t.Errorf("%d of %d messages delivered", got, total)
			}
			slices.Sort(ls)
			q := func(p float64) time.Duration {
				return ls[min(len(ls)-1, int(p*float64(len(ls))))].Round(10 * time.Microsecond)
			}
			t.Logf("MEASURE %s: %d msg/s for %d s over %d chats: delivery p50 %v, p90 %v, p99 %v, max %v",
				tc.name, rate, seconds, chats, q(0.5), q(0.9), q(0.99), ls[len(ls)-1].Round(10*time.Microsecond))
		})
	}
}
