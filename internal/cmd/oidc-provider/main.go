// Command oidc-provider runs the tests' OpenID provider (internal/oidctest:
// zitadel/oidc's provider) on an address, for the browser tests of secure
// chat: one client, and the user "ola" (password "ola-password", Ola
// Nordmann, ola@example.no) with a national identity number claim "nin".
//
//	oidc-provider -addr 127.0.0.1:18202 -redirect http://127.0.0.1:18200/oidc/callback -secret S
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"

	"skranke/internal/oidctest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	redirect := flag.String("redirect", "", "the client's redirect URI (required)")
	clientID := flag.String("client-id", "skranke", "the client's id")
	secret := flag.String("secret", "e2e-oidc-client-secret", "the client's secret")
	flag.Parse()
	if *redirect == "" {
		log.Fatal("oidc-provider: -redirect is required")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	p, err := oidctest.Serve(srv, oidctest.Options{ClientID: *clientID, ClientSecret: *secret, RedirectURIs: []string{*redirect},
		Users: []oidctest.User{{ID: "u-ola", Username: "ola", Password: "ola-password", GivenName: "Ola", FamilyName: "Nordmann",
			Email: "ola@example.no", Claims: map[string]any{"nin": "01017012345"}}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("oidc-provider: issuer %s, client %s\n", p.Issuer, p.ClientID)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
