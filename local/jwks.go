// JSON Web Key Sets: the keys JWT authorizers verify token signatures against.

package local

import (
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	// The hashes of the RS and PS algorithms.
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// KeySet holds the RSA public keys of a JSON Web Key Set (RFC 7517) by key
// id. With one in [Options.JWTKeys], JWT authorizers verify token
// signatures as API Gateway does with the keys at the issuer's jwks_uri.
type KeySet struct {
	keys map[string]*rsa.PublicKey
}

// ParseKeySet reads a JWKS document, {"keys": [{"kty": "RSA", "kid": ...,
// "n": ..., "e": ...}, ...]}. Keys of other types are skipped, since API
// Gateway accepts RSA signatures only; an RSA key without a kid or with a
// malformed modulus or exponent is an error, as is a set without RSA keys.
func ParseKeySet(doc []byte) (*KeySet, error) {
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	ks := &KeySet{keys: map[string]*rsa.PublicKey{}}
	for i, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		if k.Kid == "" {
			return nil, fmt.Errorf("JWKS: key %d has no kid", i)
		}
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("JWKS: key %q: n and e must be base64url big-endian integers", k.Kid)
		}
		exp := new(big.Int).SetBytes(e)
		ks.keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}
	}
	if len(ks.keys) == 0 {
		return nil, errors.New(`JWKS: no RSA key (want {"keys": [{"kty": "RSA", "kid": ..., "n": ..., "e": ...}]})`)
	}
	return ks, nil
}

// Len reports how many keys the set holds.
func (ks *KeySet) Len() int { return len(ks.keys) }

// jwtAlgorithms are the signature algorithms API Gateway accepts: RSA only.
var jwtAlgorithms = map[string]struct {
	hash crypto.Hash
	pss  bool
}{
	"RS256": {crypto.SHA256, false}, "RS384": {crypto.SHA384, false}, "RS512": {crypto.SHA512, false},
	"PS256": {crypto.SHA256, true}, "PS384": {crypto.SHA384, true}, "PS512": {crypto.SHA512, true},
}

// jwtHeader is what a JWT authorizer reads of a token's header.
type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// parseJWTHeader decodes a token's header, the first part of a compact
// JWS, and checks that it names an RSA algorithm, the only kind API
// Gateway's JWT authorizers verify: with a key set or without one, a token
// signed "none" or with HS256 is refused, as it is once deployed.
func parseJWTHeader(part string) (jwtHeader, *jwtRefusal) {
	var header jwtHeader
	raw, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return header, &jwtRefusal{description: descMalformed, detail: "the token's header is not base64url"}
	}
	if err := json.Unmarshal(raw, &header); err != nil {
		return header, &jwtRefusal{description: descMalformed, detail: "the token's header is not JSON"}
	}
	if _, ok := jwtAlgorithms[header.Alg]; !ok {
		return header, &jwtRefusal{description: descAlgorithm, detail: fmt.Sprintf("algorithm %q is not an RSA algorithm (RS256, RS384, RS512, PS256, PS384, PS512)", header.Alg)}
	}
	return header, nil
}

// verify checks the signature of a compact JWS, token split at its dots,
// whose header parseJWTHeader accepted: a kid that names a key of the set,
// and a signature that key made over the header and payload. It returns
// why it refuses the token, or nil.
func (ks *KeySet) verify(parts []string, header jwtHeader) *jwtRefusal {
	refuse := func(description, detail string) *jwtRefusal {
		return &jwtRefusal{description: description, detail: detail}
	}
	alg := jwtAlgorithms[header.Alg]
	key := ks.keys[header.Kid]
	if key == nil {
		return refuse(descKid, fmt.Sprintf("kid %q names no key of the key set", header.Kid))
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return refuse(descMalformed, "the token's signature is not base64url")
	}
	h := alg.hash.New()
	h.Write([]byte(strings.Join(parts[:2], ".")))
	digest := h.Sum(nil)
	if alg.pss {
		err = rsa.VerifyPSS(key, alg.hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	} else {
		err = rsa.VerifyPKCS1v15(key, alg.hash, digest, sig)
	}
	if err != nil {
		return refuse(descSignature, "the token's signature does not verify")
	}
	return nil
}
