package awsapi

import (
	"bytes"
	"crypto/subtle"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/s3"
	"github.com/verge-edge/verge/internal/sigv4"
)

// authenticatePost authenticates a POST upload by its policy's signature:
// the form's fields are read (and put back for the handler, the file
// unread), the credential looked up, the signature checked with the
// caller's signing key.
func (a *s3API) authenticatePost(r *http.Request, ids *identity.Store, now time.Time) (identity.Identity, *Error) {
	form, err := peekPostForm(r)
	if err != nil {
		return identity.Identity{}, asError(err)
	}
	f := form.fields
	if !strings.EqualFold(f["x-amz-algorithm"], sigv4.Algorithm) {
		return identity.Identity{}, s3Invalid("Only the %s algorithm is supported: the form's x-amz-algorithm", sigv4.Algorithm)
	}
	scope, perr := sigv4.ParseScope(f["x-amz-credential"])
	if perr != nil || f["policy"] == "" || f["x-amz-signature"] == "" {
		return identity.Identity{}, s3Invalid("Bucket POST must contain the fields policy, x-amz-credential and x-amz-signature")
	}
	if ids == nil {
		return identity.Identity{}, ErrUnrecognizedClient.With(msgBadToken)
	}
	id, secret, token, lerr := ids.Lookup(scope.AccessKey)
	if lerr != nil {
		return id, ErrUnrecognizedClient.With(lerr.Error())
	}
	if token != "" && subtle.ConstantTimeCompare([]byte(f["x-amz-security-token"]), []byte(token)) != 1 {
		return id, ErrUnrecognizedClient.With(msgBadToken)
	}
	if sigv4.VerifyPolicy(f["policy"], f["x-amz-signature"], secret, scope) != nil {
		return id, ErrInvalidSignature.With("The request signature we calculated does not match the signature you provided. Check your key and signing method.")
	}
	p, perr2 := parsePolicy(f["policy"])
	if perr2 != nil {
		return id, asError(perr2)
	}
	if now.After(p.Expiration) {
		return id, errS3AccessDenied.With("Invalid according to Policy: Policy expired.")
	}
	return id, nil
}

// peekPostForm reads the fields of r's form and puts what it read back,
// so the handler reads the form again, the file unread.
func peekPostForm(r *http.Request) (*postForm, error) {
	var seen bytes.Buffer
	orig := r.Body
	form, err := readPostForm(io.TeeReader(orig, &seen), r.Header.Get("Content-Type"))
	r.Body = replayBody{io.MultiReader(&seen, orig), orig}
	return form, err
}

// replayBody is a body whose first bytes were read and are put back.
type replayBody struct {
	io.Reader
	io.Closer
}

// postResources is the object a POST form writes, for IAM: the bucket's
// when the form cannot be read (the handler refuses it).
func (a *s3API) postResources(r *http.Request) []string {
	b := arn.Bucket(a.target(r).Bucket)
	form, err := peekPostForm(r)
	if err != nil {
		return []string{b}
	}
	return []string{b + "/" + strings.ReplaceAll(form.fields["key"], "${filename}", form.filename)}
}

// postObject is a browser's POST upload (S3's PostObject): the policy's
// conditions checked, the file streamed to the store as the key's object
// (ObjectCreated:Post), then the answer success_action_redirect or
// success_action_status asks for.
func (a *s3API) postObject(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	form, err := readPostForm(r.Body, r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	f := form.fields
	policy, err := parsePolicy(f["policy"])
	if err != nil {
		return err
	}
	lo, hi, err := policy.check(f, in.Bucket)
	if err != nil {
		return err
	}
	key := strings.ReplaceAll(f["key"], "${filename}", form.filename)
	if key == "" {
		return s3Invalid("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
	}
	if len(key) > s3MaxKeyLen {
		return s3.ErrKeyTooLong
	}
	pi, err := postInput(f, in.Bucket, key)
	if err != nil {
		return err
	}
	pi.Body = &sizeLimit{r: form.file, lo: lo, hi: hi}
	info, err := in.store.Put(r.Context(), pi)
	if err != nil {
		return err
	}
	return postAnswer(w, r, f, in.Bucket, key, info)
}

// postInput is the write a form describes: its headers and metadata as
// fields, its tags as a Tagging document in the field tagging.
func postInput(f map[string]string, bucket, key string) (*s3.PutInput, error) {
	h := http.Header{}
	for name, v := range f {
		h.Set(name, v)
	}
	ci := &s3Call{Bucket: bucket, Key: key}
	r := &http.Request{Header: h, ContentLength: -1}
	pi, err := putInput(r, ci)
	if err != nil {
		return nil, err
	}
	if doc := f["tagging"]; doc != "" { // a form's tags are a Tagging document
		if pi.Tags, err = parseTagSet([]byte(doc)); err != nil {
			return nil, err
		}
	}
	pi.Event = "ObjectCreated:Post"
	return pi, nil
}

// postAnswer is what S3 answers a POST upload: a redirect to
// success_action_redirect with the bucket, key and ETag; else the status
// success_action_status names (201 with a PostResponse document), 204
// by default.
func postAnswer(w http.ResponseWriter, r *http.Request, f map[string]string, bucket, key string, info s3.ObjectInfo) error {
	w.Header().Set(HeaderETag, info.ETag)
	loc := objectURL(r, &s3Call{Bucket: bucket, Key: url.PathEscape(key)})
	w.Header().Set("Location", loc)
	if redirect := f["success_action_redirect"]; redirect != "" {
		if u, err := url.Parse(redirect); err == nil && u.Scheme != "" {
			q := u.Query()
			q.Set("bucket", bucket)
			q.Set("key", key)
			q.Set("etag", info.ETag)
			u.RawQuery = q.Encode()
			w.Header().Set("Location", u.String())
			w.WriteHeader(http.StatusSeeOther)
			return nil
		}
	}
	status, _ := strconv.Atoi(f["success_action_status"])
	switch status {
	case http.StatusOK:
		w.WriteHeader(http.StatusOK)
	case http.StatusCreated:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusCreated)
		writeXML(w, postResponse{Location: loc, Bucket: bucket, Key: key, ETag: info.ETag})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}
