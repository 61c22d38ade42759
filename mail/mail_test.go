package mail

import "testing"

func TestConfig_Validate(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Config
		ok   bool
	}{
		{"no e-mail", Config{}, true},
		{"starttls", Config{Host: "smtp.example.com", From: "chat@example.com"}, true},
		{"tls", Config{Host: "smtp.example.com", Security: TLS, From: "Support <chat@example.com>"}, true},
		{"none on this machine", Config{Host: "127.0.0.1", Security: None, From: "chat@example.com"}, true},
		{"none on localhost", Config{Host: "localhost", Security: None, From: "chat@example.com"}, true},
		{"none to another host", Config{Host: "smtp.example.com", Security: None, From: "chat@example.com"}, false},
		{"unknown security", Config{Host: "smtp.example.com", Security: "ssl", From: "chat@example.com"}, false},
		{"no sender", Config{Host: "smtp.example.com"}, false},
		{"bad port", Config{Host: "smtp.example.com", From: "chat@example.com", Port: 70000}, false},
	} {
		if err := tc.c.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
