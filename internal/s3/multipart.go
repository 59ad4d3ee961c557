package s3

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// An upload is a multipart upload's record, DATA/s3/uploads/ID/upload.json.
// Its parts are the files N beside it, each described by N.json.
type upload struct {
	Bucket    string            `json:"bucket"`
	Key       string            `json:"key"`
	Headers   Headers           `json:"headers"`
	Tags      map[string]string `json:"tags,omitempty"`
	Algorithm string            `json:"algorithm,omitempty"`
	Initiated time.Time         `json:"initiated"`
	id        string
}

func (u *upload) info() UploadInfo {
	return UploadInfo{Bucket: u.Bucket, Key: u.Key, UploadID: u.id, Initiated: u.Initiated, Algorithm: u.Algorithm}
}

// part is N.json: a part's description, valid while its file is File.
type part struct {
	Number    int       `json:"number"`
	ETag      string    `json:"etag"`
	File      identity  `json:"file"`
	Modified  time.Time `json:"modified"`
	Checksums Checksums `json:"checksums"`
}

func (p *part) info() PartInfo {
	return PartInfo{Number: p.Number, ETag: p.ETag, Size: p.File.Size, LastModified: p.Modified, Checksums: p.Checksums}
}

// uploadDir is the folder of upload id.
func (s *Store) uploadDir(id string) string { return filepath.Join(s.dir, uploadsFolder, id) }

// validID reports whether id has the form newID gives, so it names a
// folder under uploads and nothing else.
func validID(id string) bool {
	if len(id) != 48 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToLower(id) == id
}

// upload reads upload id of key in bucket: ErrNoSuchUpload when there is
// none.
func (s *Store) upload(bucket, key, id string) (*upload, error) {
	if _, err := s.bucket(bucket); err != nil {
		return nil, err
	}
	u, err := s.readUpload(id)
	if err != nil || u.Bucket != bucket || u.Key != key {
		return nil, ErrNoSuchUpload
	}
	return u, nil
}

func (s *Store) readUpload(id string) (*upload, error) {
	if !validID(id) {
		return nil, ErrNoSuchUpload
	}
	b, err := os.ReadFile(filepath.Join(s.uploadDir(id), uploadFile))
	if err != nil {
		return nil, err
	}
	var u upload
	if err := json.Unmarshal(b, &u); err != nil {
		return nil, err
	}
	u.id = id
	return &u, nil
}

// CreateUpload starts a multipart upload; in.Body is unused.
func (s *Store) CreateUpload(ctx context.Context, in *PutInput) (UploadInfo, error) {
	if _, err := s.bucket(in.Bucket); err != nil {
		return UploadInfo{}, err
	}
	if _, _, err := keyPath(in.Key); err != nil {
		return UploadInfo{}, err
	}
	if err := checkTags(in.Tags); err != nil {
		return UploadInfo{}, err
	}
	if _, err := wanted(in.Algorithm, nil); err != nil {
		return UploadInfo{}, err
	}
	u := &upload{Bucket: in.Bucket, Key: in.Key, Headers: in.Headers, Tags: in.Tags,
		Algorithm: strings.ToUpper(in.Algorithm), Initiated: s.opts.Now().UTC(), id: newID()}
	dir := s.uploadDir(u.id)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return UploadInfo{}, internal(err)
	}
	b, _ := json.Marshal(u)
	if err := s.writeFileAtomic(filepath.Join(dir, uploadFile), b); err != nil {
		return UploadInfo{}, internal(err)
	}
	if err := syncDir(dir); err != nil {
		return UploadInfo{}, internal(err)
	}
	return u.info(), internal(syncDir(filepath.Dir(dir)))
}

// UploadPart stores one part under the data folder.
func (s *Store) UploadPart(ctx context.Context, in *PartInput) (PartInfo, error) {
	u, err := s.upload(in.Bucket, in.Key, in.UploadID)
	if err != nil {
		return PartInfo{}, err
	}
	if in.Size > maxPutSize {
		return PartInfo{}, ErrEntityTooLarge
	}
	sum, err := decodeContentMD5(in.ContentMD5)
	if err != nil {
		return PartInfo{}, err
	}
	return s.writePart(u, in.Number, in.Body, in.Size, sum, in.Expected)
}

// UploadPartCopy stores a byte range (first..last inclusive; last < 0 for
// the whole object) of an object as a part.
func (s *Store) UploadPartCopy(ctx context.Context, bucket, key, uploadID string, number int, srcBucket, srcKey string, first, last int64) (PartInfo, error) {
	u, err := s.upload(bucket, key, uploadID)
	if err != nil {
		return PartInfo{}, err
	}
	src, err := s.object(srcBucket, srcKey)
	if err != nil {
		return PartInfo{}, err
	}
	defer src.File.Close()
	if last < 0 {
		first, last = 0, src.Size-1
	}
	if first < 0 || first > last || last >= src.Size {
		if !(src.Size == 0 && first == 0 && last == -1) {
			return PartInfo{}, ErrInvalidArgument.Withf("Range specified is not valid for source object of size: %d", src.Size)
		}
	}
	n := last - first + 1
	if n > maxPutSize {
		return PartInfo{}, ErrEntityTooLarge
	}
	return s.writePart(u, number, io.NewSectionReader(src.File, first, n), n, nil, nil)
}

// writePart streams a part into the upload's folder: a temporary file,
// synced, renamed to N, then described by N.json. Re-uploading a number
// replaces the part.
func (s *Store) writePart(u *upload, number int, body io.Reader, size int64, sum []byte, expected *Checksums) (PartInfo, error) {
	if number < 1 || number > maxPartNumber {
		return PartInfo{}, ErrInvalidArgument.With("Part number must be an integer between 1 and 10000, inclusive")
	}
	algs, err := wanted(u.Algorithm, expected)
	if err != nil {
		return PartInfo{}, err
	}
	dirPath := s.uploadDir(u.id)
	dir, err := os.Open(dirPath)
	if err != nil {
		return PartInfo{}, ErrNoSuchUpload
	}
	defer dir.Close()
	t := &temp{dir: dir, name: tempName()}
	if t.f, err = createIn(dir, t.name); err != nil {
		return PartInfo{}, internal(err)
	}
	defer t.discard()
	d := newDigester(algs)
	if err := receive(t.f, d, body, size, maxPutSize); err != nil {
		return PartInfo{}, err
	}
	if err := d.verify(sum, expected); err != nil {
		return PartInfo{}, err
	}
	if err := t.f.Sync(); err != nil {
		return PartInfo{}, internal(err)
	}
	fi, err := t.f.Stat()
	if err != nil {
		return PartInfo{}, internal(err)
	}
	p := &part{Number: number, ETag: d.etag(), File: identityOf(fi), Modified: fi.ModTime().UTC(), Checksums: d.checksums()}
	unlock := s.lock(u.id, strconv.Itoa(number))
	defer unlock()
	name := strconv.Itoa(number)
	if err := renameInto(dir, t.name, dir, name); err != nil {
		return PartInfo{}, internal(err)
	}
	t.done = true
	b, _ := json.Marshal(p)
	if err := s.writeFileAtomic(filepath.Join(dirPath, name+".json"), b); err != nil {
		return PartInfo{}, internal(err)
	}
	return p.info(), internal(dir.Sync())
}

// parts reads an upload's parts that are whole, by number.
func (s *Store) parts(id string) ([]*part, error) {
	dir := s.uploadDir(id)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, ErrNoSuchUpload
	}
	var out []*part
	for _, e := range ents {
		num, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || num == "upload" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		var p part
		if err != nil || json.Unmarshal(b, &p) != nil || strconv.Itoa(p.Number) != num {
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, num))
		if err != nil || identityOf(fi) != p.File {
			continue // replaced while being written, or torn by a crash
		}
		out = append(out, &p)
	}
	slices.SortFunc(out, func(a, b *part) int { return a.Number - b.Number })
	return out, nil
}

// Parts lists an upload's parts after the part number marker, at most max.
func (s *Store) Parts(ctx context.Context, bucket, key, uploadID string, marker, max int) (parts []PartInfo, truncated bool, err error) {
	if _, err := s.upload(bucket, key, uploadID); err != nil {
		return nil, false, err
	}
	all, err := s.parts(uploadID)
	if err != nil {
		return nil, false, err
	}
	for _, p := range all {
		if p.Number <= marker {
			continue
		}
		if len(parts) == max {
			return parts, true, nil
		}
		parts = append(parts, p.info())
	}
	return parts, false, nil
}

// Uploads lists a bucket's uploads in progress, by key then initiation.
func (s *Store) Uploads(ctx context.Context, bucket, prefix string) ([]UploadInfo, error) {
	if _, err := s.bucket(bucket); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(filepath.Join(s.dir, uploadsFolder))
	if err != nil {
		return nil, internal(err)
	}
	var out []UploadInfo
	for _, e := range ents {
		u, err := s.readUpload(e.Name())
		if err != nil || u.Bucket != bucket || !strings.HasPrefix(u.Key, prefix) {
			continue
		}
		out = append(out, u.info())
	}
	slices.SortFunc(out, func(a, b UploadInfo) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return a.Initiated.Compare(b.Initiated)
	})
	return out, nil
}

// Abort drops an upload and its parts.
func (s *Store) Abort(ctx context.Context, bucket, key, uploadID string) error {
	if _, err := s.upload(bucket, key, uploadID); err != nil {
		return err
	}
	return internal(os.RemoveAll(s.uploadDir(uploadID)))
}

// Complete assembles the parts into the object
// (ObjectCreated:CompleteMultipartUpload). The parts are concatenated with
// io.Copy between files, which the kernel does (copy_file_range) without
// passing the bytes through this process.
func (s *Store) Complete(ctx context.Context, bucket, key, uploadID string, list []CompletedPart) (ObjectInfo, error) {
	u, err := s.upload(bucket, key, uploadID)
	if err != nil {
		return ObjectInfo{}, err
	}
	chosen, err := s.chooseParts(u, list)
	if err != nil {
		return ObjectInfo{}, err
	}
	b, err := s.bucket(bucket)
	if err != nil {
		return ObjectInfo{}, err
	}
	rel, long, err := keyPath(key)
	if err != nil {
		return ObjectInfo{}, err
	}
	root, err := b.root()
	if err != nil {
		return ObjectInfo{}, err
	}
	defer root.Close()
	t, err := s.newTemp(b, root)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer t.discard()
	rec := newRecord(key, u.Headers, u.Tags)
	rec.Parts = len(chosen)
	if rec.Checksums, err = s.concat(t.f, u, chosen); err != nil {
		return ObjectInfo{}, err
	}
	md5s := make([][]byte, len(chosen))
	for i, p := range chosen {
		md5s[i], _ = hex.DecodeString(strings.Trim(p.ETag, `"`))
	}
	rec.ETag = multipartETag(md5s)
	info, err := s.commit(ctx, &commit{b: b, root: root, rel: rel, long: long, t: t, rec: rec, event: EventComplete})
	if t.done {
		_ = os.RemoveAll(s.uploadDir(uploadID))
	}
	return info, err
}

// chooseParts checks CompleteMultipartUpload's list against the parts.
func (s *Store) chooseParts(u *upload, list []CompletedPart) ([]*part, error) {
	if len(list) == 0 {
		return nil, ErrMalformedXML
	}
	have, err := s.parts(u.id)
	if err != nil {
		return nil, err
	}
	byNum := map[int]*part{}
	for _, p := range have {
		byNum[p.Number] = p
	}
	out := make([]*part, len(list))
	for i, c := range list {
		if i > 0 && c.Number <= list[i-1].Number {
			return nil, ErrInvalidPartOrder
		}
		p := byNum[c.Number]
		if p == nil || !sameETag(c.ETag, p.ETag) {
			return nil, ErrInvalidPart
		}
		if want := c.Checksums.get(u.Algorithm); u.Algorithm != "" && want != "" && want != p.Checksums.get(u.Algorithm) {
			return nil, ErrInvalidPart
		}
		out[i] = p
	}
	for _, p := range out[:len(out)-1] {
		if p.File.Size < minPartSize {
			return nil, ErrEntityTooSmall
		}
	}
	return out, nil
}

// concat appends the parts' files to f and returns the object's
// checksums: COMPOSITE of the parts' for CRC32, CRC32C, SHA1 and SHA256,
// FULL_OBJECT for CRC64NVME (S3 has no composite one), computed while
// copying.
func (s *Store) concat(f *os.File, u *upload, parts []*part) (Checksums, error) {
	var c Checksums
	var w io.Writer = f
	var d *digester
	if u.Algorithm == AlgCRC64NVME {
		d = newDigester([]string{AlgCRC64NVME})
		w = io.MultiWriter(f, d)
	}
	for _, p := range parts {
		pf, err := os.Open(filepath.Join(s.uploadDir(u.id), strconv.Itoa(p.Number)))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return c, ErrInvalidPart
			}
			return c, internal(err)
		}
		n, err := io.Copy(w, pf) // file to file: copy_file_range
		pf.Close()
		if err != nil {
			return c, internal(err)
		}
		if n != p.File.Size {
			return c, ErrInvalidPart
		}
	}
	switch {
	case d != nil:
		return d.checksums(), nil
	case u.Algorithm != "":
		sums := make([]string, len(parts))
		for i, p := range parts {
			sums[i] = p.Checksums.get(u.Algorithm)
		}
		v, err := composite(u.Algorithm, sums)
		if err != nil {
			return c, err
		}
		*c.field(u.Algorithm) = v
		c.Type = checksumComposite
	}
	return c, nil
}
