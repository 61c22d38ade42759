// Command oidc-provider runs the tests' OpenID provider (internal/oidctest:
// zitadel/oidc's provider) on an address, for the browser tests of secure
// chat and of the agents' sign-in: one client, the user "ola" (password
// "ola-password", Ola Nordmann, ola@example.no) with a national identity
// number claim "nin", and the agent "anna" (password "anna-sso", Anna
// Berg) in the group "skranke-agents". -redirect may be given more than
// once.
//
//	oidc-provider -addr 127.0.0.1:18202 -redirect http://127.0.0.1:18200/oidc/callback -redirect http://127.0.0.1:18200/sso/callback -secret S
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
	var redirects []string
	flag.Func("redirect", "a redirect URI of the client (at least one)", func(s string) error {
		redirects = append(redirects, s)
		return nil
	})
	clientID := flag.String("client-id", "skranke", "the client's id")
	secret := flag.String("secret", "e2e-oidc-client-secret", "the client's secret")
	flag.Parse()
	if len(redirects) == 0 {
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
	p, err := oidctest.Serve(srv, oidctest.Options{ClientID: *clientID, ClientSecret: *secret, RedirectURIs: redirects,
		Users: []oidctest.User{
			{ID: "u-ola", Username: "ola", Password: "ola-password", GivenName: "Ola", FamilyName: "Nordmann",
				Email: "ola@example.no", Claims: map[string]any{"nin": "01017012345"}},
			{ID: "u-anna", Username: "anna", Password: "anna-sso", GivenName: "Anna", FamilyName: "Berg",
				Email: "anna@example.no", Claims: map[string]any{"groups": []any{"skranke-agents"}}},
		}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("oidc-provider: issuer %s, client %s\n", p.Issuer, p.ClientID)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
