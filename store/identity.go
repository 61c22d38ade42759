package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"skranke/chat"
)

// The identity settings (R6): the keys the organisation's backend signs
// customers' identity tokens with, the claims it maps to details, the
// rules tokens keep. They are one setting, changed like the others (one
// directory transaction with its audit entry). An HS256 key's secret is
// kept as it is, since verifying needs it; whoever reads the database can
// read it, as they can read the chats it vouches for. The audit log never
// holds a secret (chat.Identity.Public).

const settingIdentity = "identity"

// IdentitySettings reads the identity settings, or the defaults
// (chat.DefaultIdentity, version 1) if none were saved. The keys'
// secrets are in it: show only its Public form.
func IdentitySettings(ctx context.Context, r SettingReader) (chat.Identity, error) {
	id, err := readIdentity(func() (Setting, error) { return r.Setting(ctx, settingIdentity) })
	if err != nil {
		return chat.Identity{}, fmt.Errorf("identity settings: %w", err)
	}
	return id, nil
}

func readIdentity(get func() (Setting, error)) (chat.Identity, error) {
	s, err := get()
	if chat.ErrorCode(err) == chat.ENotFound {
		id := chat.DefaultIdentity()
		id.Version = 1
		return id, nil
	}
	if err != nil {
		return chat.Identity{}, err
	}
	id := chat.DefaultIdentity()
	if err := json.Unmarshal(s.Value, &id); err != nil {
		return chat.Identity{}, fmt.Errorf("identity settings: %w", err)
	}
	if id.Claims == nil {
		id.Claims = []chat.ClaimMapping{}
	}
	if id.Keys == nil {
		id.Keys = []chat.IdentityKey{}
	}
	id.Version, id.UpdatedAt = s.Version, s.UpdatedAt
	return id, nil
}

// editIdentity changes the identity settings in one directory
// transaction: change gets them as stored and returns them changed, or
// an error; the result is checked, written at the next version and
// audited as action on target.
func editIdentity(ctx context.Context, ed DirectoryEditor, what string, version int64, by chat.AuditActor,
	action string, change func(tx DirectoryTx, old chat.Identity) (chat.Identity, chat.AuditTarget, error)) (chat.Identity, error) {
	return edit(ctx, ed, what, func(tx DirectoryTx) (chat.Identity, error) {
		old, err := readIdentity(func() (Setting, error) { return tx.Setting(settingIdentity) })
		if err != nil {
			return chat.Identity{}, err
		}
		if version != noVersion {
			if err := chat.CheckVersion("identity settings", old.Version, version); err != nil {
				return chat.Identity{}, err
			}
		}
		id, target, err := change(tx, old)
		if err != nil {
			return chat.Identity{}, err
		}
		if err := id.Check(); err != nil {
			return chat.Identity{}, err
		}
		id.Version, id.UpdatedAt = old.Version+1, tx.Now()
		value := id
		value.Version, value.UpdatedAt = 0, time.Time{} // kept in their columns
		b, err := json.Marshal(value)
		if err != nil {
			return chat.Identity{}, err
		}
		if err := tx.PutSetting(settingIdentity, Setting{Value: b, Version: id.Version, UpdatedAt: id.UpdatedAt}); err != nil {
			return chat.Identity{}, err
		}
		return id, audit(tx, by, action, target, old.Public(), id.Public())
	})
}

// noVersion edits the identity settings whatever their version: keys are
// added and revoked one at a time, without the rest of the settings.
const noVersion = -1

var identityTarget = chat.AuditTarget{Kind: chat.TargetIdentity, ID: settingIdentity}

// UpdateIdentity changes the identity settings' audience, lifetime and
// claims.
func UpdateIdentity(ctx context.Context, ed DirectoryEditor, u chat.IdentityUpdate, by chat.AuditActor) (chat.Identity, error) {
	return editIdentity(ctx, ed, "update identity settings", u.Version, by, chat.AuditIdentityUpdate,
		func(tx DirectoryTx, old chat.Identity) (chat.Identity, chat.AuditTarget, error) {
			id := old.Apply(u)
			if u.RequireVerification != nil {
				if err := checkQueues(tx, "requireVerification", id.RequireVerification); err != nil {
					return chat.Identity{}, chat.AuditTarget{}, err
				}
			}
			return id, identityTarget, nil
		})
}

// MaxIdentityKeys is how many keys, revoked ones included, the settings
// hold.
const MaxIdentityKeys = 50

// AddIdentityKey adds k (CreatedAt is set here); a key id taken, by a
// revoked key too, is a conflict.
func AddIdentityKey(ctx context.Context, ed DirectoryEditor, k chat.IdentityKey, by chat.AuditActor) (chat.IdentityKey, error) {
	id, err := editIdentity(ctx, ed, "add identity key", noVersion, by, chat.AuditIdentityKeyAdd,
		func(tx DirectoryTx, old chat.Identity) (chat.Identity, chat.AuditTarget, error) {
			if _, taken := old.Key(k.ID); taken {
				return chat.Identity{}, chat.AuditTarget{}, chat.E(chat.EConflict, "key_id_taken", "A key with id {kid} exists already; choose another id.", "kid", k.ID, "field", "kid")
			}
			if len(old.Keys) >= MaxIdentityKeys {
				return chat.Identity{}, chat.AuditTarget{}, chat.E(chat.EConflict, "too_many_keys", "At most {max} keys; delete the settings' old keys first.", "max", MaxIdentityKeys)
			}
			k.CreatedAt, k.RevokedAt = tx.Now(), time.Time{}
			old.Keys = append(old.Keys, k)
			return old, chat.AuditTarget{Kind: chat.TargetIdentity, ID: settingIdentity, Name: k.ID}, nil
		})
	if err != nil {
		return chat.IdentityKey{}, err
	}
	k, _ = id.Key(k.ID)
	return k, nil
}

// RevokeIdentityKey revokes key kid at once; revoking it again changes
// nothing. An unknown kid is not_found.
func RevokeIdentityKey(ctx context.Context, ed DirectoryEditor, kid string, by chat.AuditActor) (chat.IdentityKey, error) {
	id, err := editIdentity(ctx, ed, "revoke identity key", noVersion, by, chat.AuditIdentityKeyRevoke,
		func(tx DirectoryTx, old chat.Identity) (chat.Identity, chat.AuditTarget, error) {
			for i, k := range old.Keys {
				if k.ID == kid {
					if k.RevokedAt.IsZero() {
						old.Keys[i].RevokedAt = tx.Now()
					}
					return old, chat.AuditTarget{Kind: chat.TargetIdentity, ID: settingIdentity, Name: kid}, nil
				}
			}
			return chat.Identity{}, chat.AuditTarget{}, chat.E(chat.ENotFound, "key_not_found", "No such key.")
		})
	if err != nil {
		return chat.IdentityKey{}, err
	}
	k, _ := id.Key(kid)
	return k.Public(), nil
}

// ApplyDetails is the change SetCustomerDetails makes to a customer's
// details cur, for both stores: the subject is recorded, or must be the
// one recorded, and the details are merged (chat.MergeDetails).
func ApplyDetails(cur chat.CustomerDetails, subject string, details []chat.Detail) (chat.CustomerDetails, error) {
	if subject != "" {
		if cur.Subject != "" && cur.Subject != subject {
			return chat.CustomerDetails{}, ErrOtherCustomer
		}
		cur.Subject = subject
	}
	cur.Details = chat.MergeDetails(cur.Details, details)
	if cur.Details == nil {
		cur.Details = []chat.Detail{}
	}
	return cur, nil
}

// ErrOtherCustomer refuses to vouch for a customer as a subject when the
// organisation vouched for them as another: the widget starts afresh.
var ErrOtherCustomer = chat.E(chat.EConflict, "identity_other_customer", "This chat belongs to another signed-in customer; start a new chat.")
