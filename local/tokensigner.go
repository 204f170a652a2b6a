// Local tokens: JWTs signed with a key of this machine, for the emulator's JWT authorizers to trust.

package local

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
)

// TokenSigner signs JWTs (RS256) with a local RSA key, so that a developer
// can call routes behind JWT authorizers without an identity provider. The
// emulator accepts its tokens when it verifies signatures against the
// signer's key set: [Options.JWTKeys] set to [TokenSigner.KeySet], or
// cmd/local's -jwks flag naming the JWKS file [LoadTokenSigner] writes.
// The token's claims must still satisfy the authorizer: issuer, audience,
// expiry and the route's scopes.
type TokenSigner struct {
	key *rsa.PrivateKey
	kid string
}

// Names of the files of a token signer's directory.
const (
	// TokenKeyFile holds the private key, PEM-encoded PKCS #8.
	TokenKeyFile = "key.pem"
	// TokenJWKSFile holds the public key as a JSON Web Key Set.
	TokenJWKSFile = "jwks.json"
)

// NewTokenSigner returns a signer with a new 2048-bit key, kept in memory.
func NewTokenSigner() (*TokenSigner, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return newTokenSigner(key), nil
}

// LoadTokenSigner returns the signer whose key is in dir/key.pem; when
// there is none, it creates dir and a new key in dir/key.pem (readable by
// its owner only). Either way dir/jwks.json ends up holding the key's key
// set: it is written when missing or when it holds another (a key.pem
// deleted and made anew).
func LoadTokenSigner(dir string) (*TokenSigner, error) {
	keyFile := filepath.Join(dir, TokenKeyFile)
	b, err := os.ReadFile(keyFile)
	var s *TokenSigner
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if s, err = NewTokenSigner(); err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(s.key)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		block, _ := pem.Decode(b)
		if block == nil || block.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("%s: want a PEM PRIVATE KEY block (PKCS #8)", keyFile)
		}
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyFile, err)
		}
		key, ok := parsed.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%s: want an RSA key, got %T", keyFile, parsed)
		}
		s = newTokenSigner(key)
	}
	jwksFile := filepath.Join(dir, TokenJWKSFile)
	if old, err := os.ReadFile(jwksFile); err != nil || !bytes.Equal(old, s.JWKS()) {
		if err := os.WriteFile(jwksFile, s.JWKS(), 0o644); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func newTokenSigner(key *rsa.PrivateKey) *TokenSigner {
	// The kid is the key's RFC 7638 thumbprint.
	thumb := sha256.Sum256(fmt.Appendf(nil, `{"e":%q,"kty":"RSA","n":%q}`, b64(big.NewInt(int64(key.E)).Bytes()), b64(key.N.Bytes())))
	return &TokenSigner{key: key, kid: b64(thumb[:])}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// KeyID is the kid of the signer's key, in every token's header.
func (s *TokenSigner) KeyID() string { return s.kid }

// JWKS returns the signer's public key as a JSON Web Key Set document,
// which [ParseKeySet] reads.
func (s *TokenSigner) JWKS() []byte {
	b, _ := json.MarshalIndent(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n": b64(s.key.N.Bytes()), "e": b64(big.NewInt(int64(s.key.E)).Bytes()),
	}}}, "", "  ")
	return append(b, '\n')
}

// KeySet returns the signer's public key as a key set, for
// [Options.JWTKeys].
func (s *TokenSigner) KeySet() *KeySet {
	ks, err := ParseKeySet(s.JWKS())
	if err != nil {
		panic(err) // the signer's own key set always parses
	}
	return ks
}

// Sign returns a compact JWS of claims, signed with RS256 under the
// signer's kid. It adds nothing: set iss, aud, sub, exp and scope as the
// authorizer needs them.
func (s *TokenSigner) Sign(claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": s.kid})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := b64(header) + "." + b64(payload)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signing + "." + b64(sig), nil
}
