package storetest

import (
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// predefinedTests cover the lists kept in settings: predefined messages
// (the organisation's and an agent's own, apart) and saved menus, with
// their versions and audit entries.
var predefinedTests = map[string]func(t *testing.T, f *fixture){
	"predefined messages": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		org, err := store.CreatePredefined(f.ctx, f.st, chat.PredefinedMessage{Title: " Zebra ", Text: "Hi {customer.name} «æøå»", Category: "B",
			Scope: chat.ScopeQueues, Queues: []chat.QueueID{"sales"}}, tester)
		if err != nil {
			t.Fatalf("CreatePredefined = %v", err)
		}
		if org.Title != "Zebra" || org.Version != 1 || org.ID == "" {
			t.Errorf("created %+v", org)
		}
		if _, err := store.CreatePredefined(f.ctx, f.st, chat.PredefinedMessage{Title: "x", Text: "y", Scope: chat.ScopeQueues, Queues: []chat.QueueID{"nope"}}, tester); chat.ErrorCode(err) != chat.EInvalid {
			t.Errorf("CreatePredefined(unknown queue) = %v, want invalid", err)
		}
		a, _ := store.CreatePredefined(f.ctx, f.st, chat.PredefinedMessage{Title: "apple", Text: "y", Category: "A"}, tester)
		own, _ := store.CreatePredefined(f.ctx, f.st, chat.PredefinedMessage{Title: "Mine", Text: "z", OwnerID: "anna"}, tester)
		got, err := store.PredefinedMessages(f.ctx, f.st, "")
		if err != nil || len(got) != 2 || got[0].ID != a.ID || diff(got[1], org) != "" {
			t.Errorf("PredefinedMessages() = %+v, %v; want apple (category A) then Zebra as created", got, err)
		}
		if mine, _ := store.PredefinedMessages(f.ctx, f.st, "anna"); len(mine) != 1 || mine[0].ID != own.ID {
			t.Errorf("PredefinedMessages(anna) = %+v, want hers alone", mine)
		}
		at := f.clock.Add(time.Minute)
		upd, err := store.UpdatePredefined(f.ctx, f.st, "", org.ID, chat.PredefinedUpdate{Version: 1, Scope: ptr(chat.ScopeEveryone)}, tester)
		if err != nil || upd.Version != 2 || upd.Queues != nil || !upd.UpdatedAt.Equal(at) {
			t.Errorf("UpdatePredefined = %+v, %v", upd, err)
		}
		if _, err := store.UpdatePredefined(f.ctx, f.st, "", org.ID, chat.PredefinedUpdate{Version: 1, Title: ptr("x")}, tester); chat.ErrorCode(err) != chat.EConflict {
			t.Errorf("UpdatePredefined(stale) = %v, want conflict", err)
		}
		if _, err := store.UpdatePredefined(f.ctx, f.st, "anna", org.ID, chat.PredefinedUpdate{Version: 2}, tester); chat.ErrorCode(err) != chat.ENotFound {
			t.Errorf("UpdatePredefined(the organisation's as anna's) = %v, want not_found", err)
		}
		if err := store.DeletePredefined(f.ctx, f.st, "", org.ID, 2, tester); err != nil {
			t.Errorf("DeletePredefined = %v", err)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditPredefinedDelete || e.Target.ID != string(org.ID) || e.After != nil {
			t.Errorf("last audit entry %+v, want the deletion", e)
		}
	},
	"saved menus": func(t *testing.T, f *fixture) {
		m, err := store.CreateSavedMenu(f.ctx, f.st, chat.SavedMenu{Name: "Plans", Question: " Which? ", Options: []chat.MenuOption{{Label: "A"}, {ID: "b", Label: "B"}}}, tester)
		if err != nil || m.Question != "Which?" || m.Options[0].ID != "1" {
			t.Fatalf("CreateSavedMenu = %+v, %v", m, err)
		}
		if _, err := store.CreateSavedMenu(f.ctx, f.st, chat.SavedMenu{Name: "One", Question: "q", Options: []chat.MenuOption{{Label: "A"}}}, tester); chat.ErrorCode(err) != chat.EInvalid {
			t.Errorf("CreateSavedMenu(one option) = %v, want invalid", err)
		}
		upd, err := store.UpdateSavedMenu(f.ctx, f.st, m.ID, chat.SavedMenuUpdate{Version: 1, Name: ptr("Abonnement")}, tester)
		if err != nil || upd.Version != 2 {
			t.Errorf("UpdateSavedMenu = %+v, %v", upd, err)
		}
		if got, _ := store.SavedMenus(f.ctx, f.st); len(got) != 1 || diff(got[0], upd) != "" {
			t.Errorf("SavedMenus() = %+v, want %+v", got, upd)
		}
		if err := store.DeleteSavedMenu(f.ctx, f.st, m.ID, 1, tester); chat.ErrorCode(err) != chat.EConflict {
			t.Errorf("DeleteSavedMenu(stale) = %v, want conflict", err)
		}
		if err := store.DeleteSavedMenu(f.ctx, f.st, m.ID, 0, tester); err != nil {
			t.Errorf("DeleteSavedMenu = %v", err)
		}
		if got, _ := store.SavedMenus(f.ctx, f.st); len(got) != 0 {
			t.Errorf("SavedMenus() after the deletion = %+v", got)
		}
	},
}
