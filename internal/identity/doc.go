// Package identity knows who calls Verge's AWS APIs: the person at the
// keyboard (the admin credentials) or a function (the credentials Verge
// gives its sandboxes, as Lambda gives an execution role's).
//
// Admin: the secret access key is the admin token; the access key id is
// AdminAccessKeyID (any id that does not start with "ASIA" is taken as the
// admin's too, as before). An "Authorization: Bearer TOKEN" header is the
// admin as well.
//
// Functions: each function's access key id, secret access key and session
// token are HMAC-SHA256s of its name under a secret kept in the data folder
// (SecretFile, created on first use, mode 0600), so they are stable across
// restarts and never written anywhere but the sandbox's environment. A
// function's access key id resolves once its credentials are minted (a
// sandbox starts) or, with SetNames, whenever the function exists.
package identity
