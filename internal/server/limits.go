package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"skranke/conversation"
	"skranke/httpapi"
	"skranke/ratelimit"
)

// Limits say what callers may do, each by a key of theirs (docs/protocol.md,
// "Limits"); a zero field limits nothing. Each node limits on its own.
type Limits struct {
	// LoginAddress limits failed logins per client address (a burst, then
	// a steady rate); a login is refused while the address is over it.
	LoginAddress ratelimit.Rate
	// LoginUser is how many failed logins in a row a user name may have
	// before each further attempt must wait: 1 s, doubling up to
	// LoginUserMaxWait. A successful login starts again.
	LoginUser int
	// Customers limits new customers (widget starts) per client address.
	Customers ratelimit.Rate
	// Conversations limits chat starts per client address.
	Conversations ratelimit.Rate
	// SSOStarts limits sign-ins started at the identity provider
	// (GET /sso/start, each a row in the database) per client address.
	SSOStarts ratelimit.Rate
	// AgentSockets limits the agent WebSockets open at once per login
	// session, CustomerSockets those per customer token.
	AgentSockets    int
	CustomerSockets int
	// UploadFiles limits the files one customer may upload (a burst, then
	// a steady rate); UploadChatBytes is the most bytes one customer may
	// upload to one chat (0: no limit).
	UploadFiles     ratelimit.Rate
	UploadChatBytes int64
}

// LoginUserMaxWait is the longest a user name waits after failed logins.
const LoginUserMaxWait = 5 * time.Minute

// DefaultLimits are `skranke serve`'s limits: generous for people behind one
// office or mobile network address, far below what a script does.
func DefaultLimits() Limits {
	return Limits{
		LoginAddress:    ratelimit.Rate{Events: 20, Per: time.Minute},
		LoginUser:       5,
		Customers:       ratelimit.Rate{Events: 60, Per: time.Minute},
		Conversations:   ratelimit.Rate{Events: 60, Per: time.Minute},
		SSOStarts:       ratelimit.Rate{Events: 60, Per: time.Minute},
		AgentSockets:    10,
		CustomerSockets: 10,
		// Two messages of five files at once, then one file every 2 s.
		UploadFiles:     ratelimit.Rate{Events: 30, Per: time.Minute},
		UploadChatBytes: 200 << 20,
	}
}

// limiters are the limiters built from Limits, for the parts that apply them.
type limiters struct {
	http            httpapi.Limits
	loginUser       *ratelimit.Backoff
	customerSockets *ratelimit.Slots
	uploads         conversation.UploadLimits
}

// build makes the limiters of l, counting refusals in reg as
// skranke_rate_limited_total{limit}.
func (l Limits) build(reg prometheus.Registerer) limiters {
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "skranke_rate_limited_total",
		Help: "Requests refused with too_many_requests, by limit.",
	}, []string{"limit"})
	reg.MustRegister(refused)
	count := func(limit string) func() {
		c := refused.WithLabelValues(limit) // shown at 0 from the start
		return c.Inc
	}
	return limiters{
		http: httpapi.Limits{
			LoginAddress:  ratelimit.NewKeyed(l.LoginAddress, count("login_address")),
			Customers:     ratelimit.NewKeyed(l.Customers, count("customers")),
			Conversations: ratelimit.NewKeyed(l.Conversations, count("conversations")),
			SSOStarts:     ratelimit.NewKeyed(l.SSOStarts, count("sso_starts")),
			AgentSockets:  ratelimit.NewSlots(l.AgentSockets, count("agent_sockets")),
		},
		loginUser:       ratelimit.NewBackoff(l.LoginUser, LoginUserMaxWait, count("login_user")),
		customerSockets: ratelimit.NewSlots(l.CustomerSockets, count("customer_sockets")),
		uploads:         conversation.UploadLimits{Files: ratelimit.NewKeyed(l.UploadFiles, count("upload_files")), ChatBytes: l.UploadChatBytes},
	}
}
