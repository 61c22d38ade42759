package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"skranke/chat"
)

// settingSSO holds the agents' sign-in through the OpenID provider.
const settingSSO = "sso"

// SSOSettings reads the agents' sign-in settings (not set up, version 1,
// if none were saved), with the client secret.
func SSOSettings(ctx context.Context, r SettingReader) (chat.AgentSSO, error) {
	s, err := readSSO(func() (Setting, error) { return r.Setting(ctx, settingSSO) })
	if err != nil {
		return chat.AgentSSO{}, fmt.Errorf("sso settings: %w", err)
	}
	return s, nil
}

func readSSO(get func() (Setting, error)) (chat.AgentSSO, error) {
	st, err := get()
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.AgentSSO{Version: 1}, nil
	}
	if err != nil {
		return chat.AgentSSO{}, err
	}
	var s chat.AgentSSO
	if err := json.Unmarshal(st.Value, &s); err != nil {
		return chat.AgentSSO{}, err
	}
	s.Version, s.UpdatedAt = st.Version, st.UpdatedAt
	return s, nil
}

// UpdateSSO changes the agents' sign-in settings; the profiles they name
// must exist.
// The audit entry never holds the client secret.
func UpdateSSO(ctx context.Context, ed DirectoryEditor, u chat.AgentSSOUpdate, by chat.AuditActor) (chat.AgentSSO, error) {
	return edit(ctx, ed, "update sso settings", func(tx DirectoryTx) (chat.AgentSSO, error) {
		old, err := readSSO(func() (Setting, error) { return tx.Setting(settingSSO) })
		if err != nil {
			return chat.AgentSSO{}, err
		}
		if err := chat.CheckVersion("sign-in settings", old.Version, u.Version); err != nil {
			return chat.AgentSSO{}, err
		}
		s := old.Apply(u)
		if err := s.Check(); err != nil {
			return chat.AgentSSO{}, err
		}
		profiles := slices.Clone(s.DefaultProfiles)
		for _, r := range s.Roles {
			profiles = append(profiles, r.Profiles...)
		}
		slices.Sort(profiles)
		if err := checkProfiles(tx, slices.Compact(profiles)); err != nil {
			return chat.AgentSSO{}, err
		}
		s.Version, s.UpdatedAt = old.Version+1, tx.Now()
		value := s
		value.Version, value.UpdatedAt = 0, time.Time{} // kept in their columns
		b, err := json.Marshal(value)
		if err != nil {
			return chat.AgentSSO{}, err
		}
		if err := tx.PutSetting(settingSSO, Setting{Value: b, Version: s.Version, UpdatedAt: s.UpdatedAt}); err != nil {
			return chat.AgentSSO{}, err
		}
		return s, audit(tx, by, chat.AuditSSOUpdate, chat.AuditTarget{Kind: chat.TargetSSO, ID: settingSSO}, old.Public(), s.Public())
	})
}
