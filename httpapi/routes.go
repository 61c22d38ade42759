package httpapi

import (
	_ "embed"
	"net/http"

	"skranke/chat"
)

//go:embed openapi.yaml
var openAPI []byte

// routes lists every route of Skranke, one per line, with who may call it.
// The access column is enforced by Handler (requireAccess), tested for
// every route and every role (internal/apptest), and printed into
// docs/protocol.md by the same test: it is the documentation of who may
// call what.
func (s *Server) routes() []route {
	lim, perAddr := s.opts.Limits, s.limitByAddress // ratelimit.go
	return []route{
		// Operations.
		{"GET /healthz", Anyone, s.handle(s.healthz)},
		{"GET /api/openapi.yaml", Anyone, http.HandlerFunc(serveOpenAPI)},

		// Agents, supervisors and administrators: session cookie.
		{"POST /api/v1/login", Anyone, s.handle(s.limitLogins(s.login))},                           // failures limited per address and per user name
		{"POST /api/v1/logout", Anyone, s.handle(s.logout)},                                        // ends the cookie's session, if any
		{"GET /api/v1/login/options", Anyone, s.handle(s.loginOptions)},                            // whether the identity provider is set up, and its name
		{"GET /sso/start", Anyone, s.handle(perAddr(lim.SSOStarts, tooManySSOStarts, s.ssoStart))}, // to the identity provider; the state is also kept in a cookie; limited per address
		{"GET /sso/callback", Anyone, s.handle(s.ssoCallback)},                                     // the provider's answer; state must be the cookie's and is used once
		{"GET /api/v1/me", Agent, s.handle(s.me)},
		{"PUT /api/v1/me/language", Agent, s.handle(s.putLanguage)}, // the caller's own, kept with their user
		{"GET /api/v1/agents", Agent, s.handle(s.agents)},
		{"GET /api/v1/me/predefined-messages", Agent, s.handle(s.ownPredefined)}, // the caller's own (R8)
		{"POST /api/v1/me/predefined-messages", Agent, s.handle(s.createOwnPredefined)},
		{"PATCH /api/v1/me/predefined-messages/{id}", Agent, s.handle(s.updateOwnPredefined)},
		{"DELETE /api/v1/me/predefined-messages/{id}", Agent, s.handle(s.deleteOwnPredefined)},
		{"GET /api/v1/conversations/{id}", Agent, s.handle(s.conversation)},                                // agent view, if the caller may read it
		{"GET /api/v1/conversations/{id}/events", Agent, s.handle(s.conversationEvents)},                   // agent view, if the caller may read it
		{"GET /api/v1/conversations/{id}/customer", Agent, s.handle(s.conversationCustomer)},               // the customer's details, if the caller may read the chat
		{"POST /api/v1/conversations/{id}/messages", Agent, s.handle(s.postMessage)},                       // an agent in the chat
		{"POST /api/v1/conversations/{id}/accept", Agent, s.handle(s.postAccept)},                          // the agent offered or invited
		{"POST /api/v1/conversations/{id}/reject", Agent, s.handle(s.postReject)},                          // the agent offered or invited
		{"POST /api/v1/conversations/{id}/end", Agent, s.handle(s.postEnd)},                                // an agent in the chat
		{"POST /api/v1/conversations/{id}/invite", Agent, s.handle(s.postInvite)},                          // an agent in the chat
		{"POST /api/v1/conversations/{id}/transfer", Agent, s.handle(s.postTransfer)},                      // an agent in the chat
		{"POST /api/v1/conversations/{id}/withdraw", Agent, s.handle(s.postWithdraw)},                      // an agent in the chat
		{"POST /api/v1/conversations/{id}/leave", Agent, s.handle(s.postLeave)},                            // an agent in the chat
		{"GET /api/v1/menus", Agent, s.handle(s.savedMenus)},                                               // the organisation's saved menus, to offer (R9)
		{"GET /api/v1/conversations/{id}/predefined-messages", Agent, s.handle(s.chatPredefined)},          // an agent in the chat; filled in for it
		{"POST /api/v1/conversations/{id}/menus", Agent, s.handle(s.postMenu)},                             // an agent in the chat
		{"POST /api/v1/conversations/{id}/menus/{menu}/withdraw", Agent, s.handle(s.postWithdrawMenu)},     // an agent in the chat
		{"POST /api/v1/conversations/{id}/attachments", Agent, s.handle(s.upload)},                         // an agent in the chat; the body is the file
		{"GET /api/v1/conversations/{id}/attachments/{file}", Agent, s.handle(s.agentFile)},                // agent view, as far as the caller may read
		{"GET /api/v1/conversations/{id}/attachments/{file}/thumbnail", Agent, s.handle(s.agentThumbnail)}, // agent view
		// The organisation's chat log: every chat for supervisors and
		// administrators, an agent's own for an agent.
		{"GET /api/v1/chatlog", Agent, s.handle(s.chatLog)},
		{"GET /api/v1/chatlog.csv", Agent, s.handle(s.chatLogCSV)},
		{"GET /api/v1/chatlog/{id}", Agent, s.handle(s.chatRecord)},              // who may read it
		{"GET /api/v1/chatlog/{id}/export", Agent, s.handle(s.chatRecordExport)}, // who may read it
		{"PUT /api/v1/chatlog/{id}/evaluation", Supervisor, s.handle(s.putEvaluation)},
		{"GET /api/v1/outbox", Admin, s.handle(s.outbox)}, // e-mails waiting or given up
		{"POST /api/v1/erasures", Admin, s.handle(s.postErasure)},
		{"GET /api/v1/erasures", Supervisor, s.handle(s.erasedCounts)},
		{"GET /ws/agent", Agent, s.limitAgentSockets(s.opts.Hub.ServeAgent)},                // sockets limited per session; the session cookie only, never an API token
		{"GET /ws/supervisor", Supervisor, s.limitAgentSockets(s.opts.Hub.ServeSupervisor)}, // the live board (R19); limited with the agent sockets
		{"GET /api/v1/supervision/board", Supervisor, s.handle(s.board)},                    // the live board once

		// Administration (admin.go): the admin pages and integrations.
		{"GET /api/v1/admin/users", Admin, s.handle(s.adminUsers)},
		{"POST /api/v1/admin/users", Admin, s.handle(s.adminCreateUser)},
		{"GET /api/v1/admin/users/{id}", Admin, s.handle(s.adminUser)},
		{"PATCH /api/v1/admin/users/{id}", Admin, s.handle(s.adminUpdateUser)},  // also deactivates and reactivates
		{"DELETE /api/v1/admin/users/{id}", Admin, s.handle(s.adminDeleteUser)}, // only who never had a part in a chat
		{"POST /api/v1/admin/users/{id}/password", Admin, s.handle(s.adminSetPassword)},
		{"GET /api/v1/admin/queues", Admin, s.handle(s.adminQueues)},
		{"POST /api/v1/admin/queues", Admin, s.handle(s.adminCreateQueue)},
		{"GET /api/v1/admin/queues/{id}", Admin, s.handle(s.adminQueue)},
		{"PATCH /api/v1/admin/queues/{id}", Admin, s.handle(s.adminUpdateQueue)},
		{"DELETE /api/v1/admin/queues/{id}", Admin, s.handle(s.adminRemoveQueue)}, // refused while chats wait or go on
		{"PUT /api/v1/admin/queues/{id}/hours", Admin, s.handle(s.adminSetHours)},
		{"GET /api/v1/admin/profiles", Admin, s.handle(s.adminProfiles)},
		{"POST /api/v1/admin/profiles", Admin, s.handle(s.adminCreateProfile)},
		{"GET /api/v1/admin/profiles/{id}", Admin, s.handle(s.adminProfile)},
		{"PATCH /api/v1/admin/profiles/{id}", Admin, s.handle(s.adminUpdateProfile)},
		{"DELETE /api/v1/admin/profiles/{id}", Admin, s.handle(s.adminDeleteProfile)},
		{"GET /api/v1/admin/widget", Admin, s.handle(s.adminWidget)},
		{"PATCH /api/v1/admin/widget", Admin, s.handle(s.adminUpdateWidget)},
		{"GET /api/v1/admin/privacy", Admin, s.handle(s.adminPrivacy)},
		{"PATCH /api/v1/admin/privacy", Admin, s.handle(s.adminUpdatePrivacy)}, // retention, customers' erasure requests
		{"GET /api/v1/admin/predefined-messages", Admin, s.handle(s.adminPredefined)},
		{"POST /api/v1/admin/predefined-messages", Admin, s.handle(s.adminCreatePredefined)},
		{"PATCH /api/v1/admin/predefined-messages/{id}", Admin, s.handle(s.adminUpdatePredefined)},
		{"DELETE /api/v1/admin/predefined-messages/{id}", Admin, s.handle(s.adminDeletePredefined)},
		{"GET /api/v1/admin/menus", Admin, s.handle(s.adminSavedMenus)},
		{"POST /api/v1/admin/menus", Admin, s.handle(s.adminCreateSavedMenu)},
		{"PATCH /api/v1/admin/menus/{id}", Admin, s.handle(s.adminUpdateSavedMenu)},
		{"DELETE /api/v1/admin/menus/{id}", Admin, s.handle(s.adminDeleteSavedMenu)},
		{"GET /api/v1/admin/tokens", Admin, s.handle(s.adminTokens)},
		{"POST /api/v1/admin/tokens", Admin, s.handle(s.adminCreateToken)}, // the token is in the answer, and only there
		{"DELETE /api/v1/admin/tokens/{id}", Admin, s.handle(s.adminRevokeToken)},
		{"GET /api/v1/admin/webhooks", Admin, s.handle(s.adminWebhooks)},
		{"POST /api/v1/admin/webhooks", Admin, s.handle(s.adminCreateWebhook)}, // the secret is in the answer, and only there
		{"GET /api/v1/admin/webhooks/{id}", Admin, s.handle(s.adminWebhook)},
		{"PATCH /api/v1/admin/webhooks/{id}", Admin, s.handle(s.adminUpdateWebhook)}, // also pauses and resumes
		{"DELETE /api/v1/admin/webhooks/{id}", Admin, s.handle(s.adminDeleteWebhook)},
		{"POST /api/v1/admin/webhooks/{id}/secret", Admin, s.handle(s.adminRotateWebhook)}, // a new secret, in the answer only; the old one signs beside it for 24 h
		{"GET /api/v1/admin/webhooks/{id}/deliveries", Admin, s.handle(s.adminWebhookDeliveries)},
		{"POST /api/v1/admin/webhooks/{id}/deliveries/{delivery}/resend", Admin, s.handle(s.adminResendWebhook)},
		{"GET /api/v1/admin/audit", Admin, s.handle(s.adminAudit)},
		{"GET /api/v1/admin/identity", Admin, s.handle(s.adminIdentity)}, // identity keys without their secrets
		{"PATCH /api/v1/admin/identity", Admin, s.handle(s.adminUpdateIdentity)},
		{"POST /api/v1/admin/identity/keys", Admin, s.handle(s.adminAddIdentityKey)}, // an HS256 secret is in the answer, and only there
		{"DELETE /api/v1/admin/identity/keys/{kid}", Admin, s.handle(s.adminRevokeIdentityKey)},
		{"GET /api/v1/admin/sso", Admin, s.handle(s.adminSSO)}, // the agents' identity provider, without its client secret
		{"PATCH /api/v1/admin/sso", Admin, s.handle(s.adminUpdateSSO)},

		// The first run: the set-up link's page creates the first administrator.
		{"GET /api/v1/setup", Anyone, s.handle(s.setupState)},
		{"POST /api/v1/setup", Anyone, s.handle(s.setup)}, // needs the link's secret

		// Customers: bearer token, bound to their own conversations.
		{"GET /api/v1/widget/settings", Anyone, s.handle(s.widgetSettings)}, // read by the loader on any site
		{"GET /api/v1/widget/queues", Anyone, s.handle(s.widgetQueues)},
		{"POST /api/v1/widget/customers", Anyone, s.handle(perAddr(lim.Customers, tooManyCustomers, s.widgetNewCustomer))}, // limited per address
		{"POST /api/v1/widget/identify", Customer, s.handle(s.widgetIdentify)},                                             // a token signed by the organisation's backend
		{"GET /api/v1/widget/details", Customer, s.handle(s.widgetDetails)},
		{"PATCH /api/v1/widget/details", Customer, s.handle(s.widgetSetDetails)},                                                        // unverified; a verified value stays
		{"POST /api/v1/widget/secure-chat", Customer, s.handle(s.widgetSecureChat)},                                                     // starts the sign-in at the OpenID provider
		{"GET /oidc/callback", Anyone, s.handle(s.oidcCallback)},                                                                        // the provider's answer; the state names the sign-in
		{"POST /api/v1/widget/conversations", Customer, s.handle(perAddr(lim.Conversations, tooManyStarts, s.widgetStartConversation))}, // limited per address
		{"GET /api/v1/widget/conversations/{id}/events", Customer, s.handle(s.widgetEvents)},                                            // the customer's own
		{"GET /api/v1/widget/conversations/{id}/transcript", Customer, s.handle(s.widgetTranscript)},                                    // the customer's own
		{"POST /api/v1/widget/conversations/{id}/transcript/email", Customer, s.handle(s.widgetEmailTranscript)},                        // the customer's own
		{"POST /api/v1/widget/conversations/{id}/erasure", Customer, s.handle(s.widgetRequestErasure)},                                  // the customer's own
		{"POST /api/v1/widget/conversations/{id}/attachments", Customer, s.handle(s.upload)},                                            // the customer's own chat; limited per customer
		{"GET /api/v1/widget/conversations/{id}/attachments/{file}", Customer, s.handle(s.customerFile)},                                // if its message passes chat.ForCustomer
		{"GET /api/v1/widget/conversations/{id}/attachments/{file}/thumbnail", Customer, s.handle(s.customerThumbnail)},                 // likewise
		{"GET /ws/customer", Anyone, http.HandlerFunc(s.opts.Hub.ServeCustomer)},                                                        // the customer authenticates in its hello frame
	}
}

// Handler returns every route of Skranke: the API routes (routes) and the
// front end (metrics are on an address of their own). State-changing requests are refused when they come
// from another origin (http.CrossOriginProtection); the agent WebSocket
// upgrade checks Origin.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.requireAccess(rt.access, rt.handler))
	}
	s.routeWeb(mux) // the pages, for anyone

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return chat.E(chat.EForbidden, "cross_origin_refused", "Cross-origin requests are not allowed.")
	}))
	return s.securityHeaders(s.bodyDeadline(cop.Handler(mux)))
}

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(openAPI)
}
