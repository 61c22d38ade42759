package admin

import (
	"context"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Identity returns the identity settings (R6) without the keys' secrets;
// the audience, when the administrator set none, is this server's
// (Options.Audience).
func (s *Service) Identity(ctx context.Context, a auth.Actor) (chat.Identity, error) {
	if err := reader(a); err != nil {
		return chat.Identity{}, err
	}
	id, err := store.IdentitySettings(ctx, s.st)
	if err != nil {
		return chat.Identity{}, err
	}
	return s.withAudience(id).Public(), nil
}

func (s *Service) withAudience(id chat.Identity) chat.Identity {
	if id.Audience == "" {
		id.Audience = s.opts.Audience
	}
	return id
}

// UpdateIdentity changes the identity settings' audience, tokens'
// lifetime and mapped claims.
func (s *Service) UpdateIdentity(ctx context.Context, a auth.Actor, u chat.IdentityUpdate) (chat.Identity, error) {
	by, err := changer(a)
	if err != nil {
		return chat.Identity{}, err
	}
	id, err := store.UpdateIdentity(ctx, s.st, u, by)
	if err != nil {
		return chat.Identity{}, err
	}
	return s.withAudience(id).Public(), nil
}

// NewIdentityKey asks for an identity key: HS256 (Skranke makes the
// secret) or a public key's algorithm with its PEM. ID is the kid; Skranke
// makes one when it is empty.
type NewIdentityKey struct {
	ID        string           `json:"kid"`
	Alg       chat.IdentityAlg `json:"alg"`
	PublicKey string           `json:"publicKey"`
}

// AddIdentityKey adds a key that identity tokens may be signed with. For
// HS256 it returns the new secret: the only time it is shown.
func (s *Service) AddIdentityKey(ctx context.Context, a auth.Actor, n NewIdentityKey) (chat.IdentityKey, []byte, error) {
	by, err := changer(a)
	if err != nil {
		return chat.IdentityKey{}, nil, err
	}
	if n.ID == "" {
		n.ID = "k-" + chat.NewID()[:12]
	}
	if err := chat.CheckKeyID(n.ID); err != nil {
		return chat.IdentityKey{}, nil, err
	}
	k := chat.IdentityKey{ID: n.ID, Alg: n.Alg}
	switch n.Alg {
	case chat.AlgHS256:
		if n.PublicKey != "" {
			return chat.IdentityKey{}, nil, chat.E(chat.EInvalid, "secret_key_no_pem", "An HS256 key is a secret Skranke makes; give no public key.", "field", "publicKey")
		}
		k.Secret = auth.NewIdentitySecret()
	default:
		if _, err := auth.ParsePublicKey(n.Alg, n.PublicKey); err != nil {
			return chat.IdentityKey{}, nil, err
		}
		k.PublicKey = n.PublicKey
	}
	secret := k.Secret
	k, err = store.AddIdentityKey(ctx, s.st, k, by)
	if err != nil {
		return chat.IdentityKey{}, nil, err
	}
	return k.Public(), secret, nil
}

// RevokeIdentityKey revokes a key at once: tokens signed with it are
// refused from now on.
func (s *Service) RevokeIdentityKey(ctx context.Context, a auth.Actor, kid string) (chat.IdentityKey, error) {
	by, err := changer(a)
	if err != nil {
		return chat.IdentityKey{}, err
	}
	return store.RevokeIdentityKey(ctx, s.st, kid, by)
}
