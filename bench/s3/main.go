// Command s3 measures Verge's S3 API through the AWS SDK for Go v2, side
// by side with its floors in one run, over loopback with signatures
// verified:
//
//   - PutObject of 1 KiB from c callers, next to a bare net/http handler
//     answering a fixed PutObject response to the same SDK client;
//   - GetObject of 1 MiB from c callers (MB/s), next to the CDN's bucket
//     origin serving the same file (with the store's ETag and type) and a
//     bare http.ServeFile;
//   - a multipart upload of -big bytes streamed from a generator (never a
//     buffer of its size): throughput and the peak RSS growth (VmHWM) of
//     the process, client and server together.
//
// Each throughput is the median of -rounds runs; the order of the runs
// alternates between rounds.
//
//	go run ./bench/s3 [-c 8] [-d 3s] [-rounds 3] [-big 1GiB] [-part 16MiB]
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/edge/origin"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/s3"
)

const (
	token    = "bench-token"
	bucket   = "bench"
	putSize  = 1 << 10
	getSize  = 1 << 20
	getKey   = "get/object.bin"
	putKeys  = 1024 // PutObject cycles through this many keys
	mib      = 1 << 20
	region   = "us-east-1"
	accessID = "AKID"
)

func main() {
	conc := flag.Int("c", 8, "concurrent callers")
	dur := flag.Duration("d", 3*time.Second, "how long each throughput run lasts")
	rounds := flag.Int("rounds", 3, "runs of each throughput, alternating the order")
	big := flag.String("big", "1GiB", "size of the multipart upload (KiB, MiB, GiB suffixes); 0 to skip")
	part := flag.String("part", "16MiB", "multipart part size")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	bigN, err := parseSize(*big)
	if err != nil {
		log.Fatal(err)
	}
	partN, err := parseSize(*part)
	if err != nil || partN < 5*mib {
		log.Fatalf("-part %q: a size of at least 5MiB", *part)
	}
	if err := run(*conc, *dur, *rounds, bigN, partN); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

// bench is the running setup: the store behind Verge's AWS endpoint, the
// CDN's origin on its bucket, and the floors.
type bench struct {
	store                        *s3.Store
	dir                          string // the bucket's folder
	verge, floor, cdn, serveFile string // base URLs
	peer                         string // gofakes3 on its memory backend
	client, floorClient          *awss3.Client
	peerClient                   *awss3.Client
	hc                           *http.Client
	stops                        []func()
}

func run(conc int, dur time.Duration, rounds int, big, part int64) error {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "verge-bench-s3-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b, err := setup(tmp)
	if err != nil {
		return err
	}
	defer b.close()

	if _, err := b.client.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(getKey),
		Body: bytes.NewReader(pattern(getSize)), ContentType: aws.String("application/x-bench")}); err != nil {
		return fmt.Errorf("PutObject of the 1 MiB object: %w", err)
	}
	if _, err := b.peerClient.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(getKey),
		Body: bytes.NewReader(pattern(getSize))}); err != nil {
		return fmt.Errorf("PutObject of the 1 MiB object to gofakes3: %w", err)
	}
	if err := b.checkCDN(); err != nil {
		return err
	}
	// The upload goes first: VmHWM is a peak, which the other runs raise.
	var took time.Duration
	var peak [2]int64
	if big > 0 {
		if took, peak, err = b.multipart(ctx, big, part); err != nil {
			return fmt.Errorf("multipart upload: %w", err)
		}
	}
	put := b.putRates(ctx, conc, dur, rounds)
	get := b.getRates(ctx, conc, dur, rounds)
	for _, r := range append(put, get...) {
		if r.err != nil {
			return fmt.Errorf("%s: %w", r.name, r.err)
		}
	}
	fmt.Printf("| what (%d callers, SDK for Go v2, loopback, median of %d) | Verge | floor | floor/Verge |\n|---|---|---|---|\n", conc, rounds)
	fmt.Printf("| PutObject 1 KiB | %.0f/s | %.0f/s (net/http fixed answer) | %.2fx |\n", put[0].median(), put[1].median(), put[1].median()/put[0].median())
	fmt.Printf("| PutObject 1 KiB | %.0f/s | %.0f/s (gofakes3, memory backend: nothing on disk) | %.2fx |\n", put[0].median(), put[2].median(), put[2].median()/put[0].median())
	fmt.Printf("| PutObject 1 KiB | %.0f/s | %.0f/s (disk floor: create, write, fsync, rename, folder fsync; no HTTP) | %.2fx |\n", put[0].median(), put[3].median(), put[3].median()/put[0].median())
	fmt.Printf("| GetObject 1 MiB | %.0f MB/s | %.0f MB/s (CDN bucket origin) | %.2fx |\n", get[0].median(), get[1].median(), get[1].median()/get[0].median())
	fmt.Printf("| GetObject 1 MiB | %.0f MB/s | %.0f MB/s (http.ServeFile) | %.2fx |\n", get[0].median(), get[2].median(), get[2].median()/get[0].median())
	fmt.Printf("| GetObject 1 MiB | %.0f MB/s | %.0f MB/s (gofakes3, memory backend) | %.2fx |\n", get[0].median(), get[3].median(), get[3].median()/get[0].median())
	if big > 0 {
		fmt.Printf("| multipart upload %d MiB (%d MiB parts, one caller) | %.0f MB/s, peak RSS %d → %d MiB (+%d) | | |\n",
			big/mib, part/mib, float64(big)/1e6/took.Seconds(), peak[0]/mib, peak[1]/mib, (peak[1]-peak[0])/mib)
	}
	return nil
}

// setup starts the store with one stack bucket in dir/bucket, Verge's AWS
// endpoint on it, the CDN's origin on the same folder, and the floors.
func setup(tmp string) (*bench, error) {
	b := &bench{dir: filepath.Join(tmp, "bucket"), hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return nil, err
	}
	var err error
	if b.store, err = s3.Open(s3.Options{Dir: filepath.Join(tmp, "data")}); err != nil {
		return nil, err
	}
	b.stops = append(b.stops, func() { b.store.Close() })
	if err := b.store.Apply([]s3.BucketConfig{{Name: bucket, Dir: b.dir}}); err != nil {
		b.close()
		return nil, err
	}
	cdn, err := origin.NewBucket(b.dir, origin.BucketOptions{Info: func(key string, size, mtime int64, ino uint64) (string, string, bool) {
		return b.store.Info(bucket, key, size, mtime, ino)
	}})
	if err != nil {
		b.close()
		return nil, err
	}
	peer := s3mem.New()
	if err := peer.CreateBucket(bucket); err != nil {
		b.close()
		return nil, err
	}
	ids := identity.New([]byte("0123456789abcdef0123456789abcdef"), token)
	serve := []struct {
		h   http.Handler
		url *string
	}{
		{awsapi.New(awsapi.Options{Identities: ids}, awsapi.S3(awsapi.Fixed(b.store))), &b.verge},
		{http.HandlerFunc(fixedPut), &b.floor},
		{gofakes3.New(peer).Server(), &b.peer},
		{cdn, &b.cdn},
		{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.ServeFile(w, r, filepath.Join(b.dir, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/"))))
		}), &b.serveFile},
	}
	for _, s := range serve {
		base, stop, err := load.Serve(s.h)
		if err != nil {
			b.close()
			return nil, err
		}
		*s.url = base
		b.stops = append(b.stops, stop)
	}
	b.client, b.floorClient, b.peerClient = b.sdk(b.verge), b.sdk(b.floor), b.sdk(b.peer)
	return b, nil
}

// sdk is an S3 client of base, path-style, as a user's against Verge.
func (b *bench) sdk(base string) *awss3.Client {
	return awss3.New(awss3.Options{Region: region, BaseEndpoint: aws.String(base), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(accessID, token, ""), HTTPClient: b.hc})
}

func (b *bench) close() {
	for _, stop := range slices.Backward(b.stops) {
		stop()
	}
}

// checkCDN checks that the CDN serves the uploaded object with the type
// and ETag S3 reports.
func (b *bench) checkCDN() error {
	head, err := b.client.HeadObject(context.Background(), &awss3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(getKey)})
	if err != nil {
		return fmt.Errorf("HeadObject: %w", err)
	}
	resp, err := b.hc.Get(b.cdn + "/" + getKey)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Header.Get("ETag") != aws.ToString(head.ETag) || resp.Header.Get("Content-Type") != aws.ToString(head.ContentType) {
		log.Printf("note: the CDN sends ETag %s type %q, S3 %s %q", resp.Header.Get("ETag"), resp.Header.Get("Content-Type"), aws.ToString(head.ETag), aws.ToString(head.ContentType))
	}
	return nil
}

// rates are one measurement's runs.
type rates struct {
	name string
	runs []float64
	err  error
}

func (r *rates) median() float64 {
	s := slices.Sorted(slices.Values(r.runs))
	return s[len(s)/2]
}

// measure runs each of do's rounds times, alternating the order, and
// returns their rates in do's order.
func measure(names []string, do []func() (float64, error), rounds int) []rates {
	out := make([]rates, len(do))
	for i := range out {
		out[i].name = names[i]
	}
	for r := range rounds {
		for j := range do {
			i := j
			if r%2 == 1 {
				i = len(do) - 1 - j
			}
			if out[i].err != nil {
				continue
			}
			v, err := do[i]()
			out[i].runs, out[i].err = append(out[i].runs, v), err
		}
	}
	return out
}

// putRates measures PutObject on Verge and on the floor (calls/s).
func (b *bench) putRates(ctx context.Context, conc int, dur time.Duration, rounds int) []rates {
	body := pattern(putSize)
	put := func(c *awss3.Client) func() (float64, error) {
		var n atomic.Int64
		return func() (float64, error) {
			return load.Rate(func() (int, error) {
				key := "put/" + strconv.FormatInt(n.Add(1)%putKeys, 10)
				_, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
				return 1, err
			}, conc, dur)
		}
	}
	return measure([]string{"PutObject", "PutObject floor", "gofakes3", "disk floor"},
		[]func() (float64, error){put(b.client), put(b.floorClient), put(b.peerClient), b.diskFloor(conc, dur)}, rounds)
}

// diskFloor is what durable 1 KiB writes cost on this disk without S3:
// conc writers each create a temporary file, write, fsync, rename it into
// the bucket's folder and fsync the folder, as the store's Put must.
func (b *bench) diskFloor(conc int, dur time.Duration) func() (float64, error) {
	body := pattern(putSize)
	var n atomic.Int64
	return func() (float64, error) {
		dir := filepath.Join(b.dir, "disk-floor")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return 0, err
		}
		defer os.RemoveAll(dir)
		return load.Rate(func() (int, error) {
			i := n.Add(1)
			tmp := filepath.Join(dir, ".tmp-"+strconv.FormatInt(i, 10))
			f, err := os.Create(tmp)
			if err != nil {
				return 0, err
			}
			_, err = f.Write(body)
			if err == nil {
				err = f.Sync()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(tmp, filepath.Join(dir, strconv.FormatInt(i%putKeys, 10)))
			}
			if err == nil {
				err = syncDir(dir)
			}
			return 1, err
		}, conc, dur)
	}
}

// syncDir fsyncs a folder, making the renames in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// getRates measures fetching the 1 MiB object (MB/s): GetObject on Verge,
// the CDN's bucket origin, http.ServeFile.
func (b *bench) getRates(ctx context.Context, conc int, dur time.Duration, rounds int) []rates {
	mbps := func(get func() error) func() (float64, error) {
		return func() (float64, error) {
			r, err := load.Rate(func() (int, error) { return 1, get() }, conc, dur)
			return r * getSize / 1e6, err
		}
	}
	sdkGet := func() error {
		out, err := b.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(getKey)})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		return expect(out.Body, getSize)
	}
	httpGet := func(base string) func() error {
		return func() error {
			req, _ := http.NewRequest(http.MethodGet, base+"/"+getKey, nil)
			return load.Fetch(b.hc, req, getSize)
		}
	}
	peerGet := func() error {
		out, err := b.peerClient.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(getKey)})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		return expect(out.Body, getSize)
	}
	return measure([]string{"GetObject", "CDN origin", "http.ServeFile", "gofakes3"},
		[]func() (float64, error){mbps(sdkGet), mbps(httpGet(b.cdn)), mbps(httpGet(b.serveFile)), mbps(peerGet)}, rounds)
}

// expect reads r to its end and checks it held n bytes.
func expect(r io.Reader, n int64) error {
	got, err := io.Copy(io.Discard, r)
	if err == nil && got != n {
		err = fmt.Errorf("read %d bytes, want %d", got, n)
	}
	return err
}

// multipart uploads size bytes from the generator in parts of part bytes
// and returns how long it took and the peak RSS before and after.
func (b *bench) multipart(ctx context.Context, size, part int64) (took time.Duration, peak [2]int64, err error) {
	if peak[0], err = peakRSS(); err != nil {
		return 0, peak, err
	}
	start := time.Now()
	key := aws.String("big/upload.bin")
	up, err := b.client.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: key})
	if err != nil {
		return 0, peak, err
	}
	var done []types.CompletedPart
	for n, off := int32(1), int64(0); off < size; n, off = n+1, off+part {
		l := min(part, size-off)
		out, err := b.client.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String(bucket), Key: key, UploadId: up.UploadId,
			PartNumber: aws.Int32(n), ContentLength: aws.Int64(l), Body: io.NewSectionReader(generator{}, off, l)})
		if err != nil {
			return 0, peak, fmt.Errorf("part %d: %w", n, err)
		}
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag,
			ChecksumCRC32: out.ChecksumCRC32, ChecksumCRC32C: out.ChecksumCRC32C, ChecksumCRC64NVME: out.ChecksumCRC64NVME})
	}
	if _, err := b.client.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: key,
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}}); err != nil {
		return 0, peak, fmt.Errorf("complete: %w", err)
	}
	took = time.Since(start)
	fi, err := os.Stat(filepath.Join(b.dir, "big", "upload.bin"))
	if err != nil || fi.Size() != size {
		return 0, peak, fmt.Errorf("the uploaded file: %v (size %d, want %d)", err, sizeOf(fi), size)
	}
	peak[1], err = peakRSS()
	return took, peak, err
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return -1
	}
	return fi.Size()
}

// generator is an endless pseudo-random stream, readable at any offset,
// so a part is a section of it rather than a buffer.
type generator struct{}

func (generator) ReadAt(p []byte, off int64) (int, error) {
	for i := range p {
		x := uint64(off + int64(i))
		x ^= x >> 7
		x *= 0x9e3779b97f4a7c15
		p[i] = byte(x >> 56)
	}
	return len(p), nil
}

// pattern is n bytes of the generator.
func pattern(n int) []byte {
	p := make([]byte, n)
	generator{}.ReadAt(p, 0)
	return p
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// parseSize reads "1GiB", "16MiB", "512KiB" or a byte count.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q: want a count with an optional KiB, MiB or GiB", s)
	}
	return n * mult, nil
}

// fixedPut is the floor: a PutObject answer the SDK accepts, fixed.
func fixedPut(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
	w.Header().Set("X-Amz-Request-Id", "0000000000000000")
	w.WriteHeader(http.StatusOK)
}
