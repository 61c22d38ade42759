package apptest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"skranke/chat"
	"skranke/internal/apptest"
	"skranke/internal/server"
)

// TestCluster_NATSAuthenticated runs two nodes on a NATS server that admits
// only one nkey user: with the seed file (serve's --nats-nkey) they chat
// across nodes; a node without it does not start.
func TestCluster_NATSAuthenticated(t *testing.T) {
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := user.PublicKey()
	seed, _ := user.Seed()
	seedFile := filepath.Join(t.TempDir(), "skranke.nk")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		Nkeys: []*natsserver.NkeyUser{{Nkey: pub}}})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server not ready")
	}
	t.Cleanup(ns.Shutdown)
	url := fmt.Sprintf("nats://%s", ns.Addr())

	nodes := apptest.StartCluster(t, 2, apptest.Options{Postgres: true, NATS: true, NATSURL: url, NATSNKeyFile: seedFile, Heartbeat: 500 * time.Millisecond})
	a, b := nodes[0], nodes[1]
	anna := readyAgent(t, b, "anna", "sales")
	kari := a.NewCustomer(t, "sales", "Kari")
	cust := kari.DialCustomer(t, 0)
	accept(t, anna, kari.ConversationID)
	send(t, cust, kari.ConversationID, "c1", "over authenticated NATS", false)
	if e := anna.WaitEvent(chat.KindMessage, kari.ConversationID); e.Text != "over authenticated NATS" {
		t.Errorf("agent on B got %q", e.Text)
	}
	if n := ns.NumClients(); n != 2 {
		t.Errorf("NATS has %d clients, want the 2 nodes", n)
	}

	srv, err := server.Open(t.Context(), server.Config{DataDir: t.TempDir(), NATS: url})
	if err == nil {
		srv.Close()
		t.Fatal("server.Open without the nkey = a node, want an error")
	}
	t.Logf("without the nkey: %v", err)
}
