package awsapi

import (
	"crypto/rand"
	"encoding/xml"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// xmlInvalidationBatch is CreateInvalidation's body and part of its answer.
type xmlInvalidationBatch struct {
	XMLName xml.Name `xml:"InvalidationBatch"`
	Paths   struct {
		Quantity int      `xml:"Quantity"`
		Items    []string `xml:"Items>Path"`
	} `xml:"Paths"`
	CallerReference string `xml:"CallerReference"`
}

// An invalidation is a batch Verge carried out.
type invalidation struct {
	ID      string
	Created time.Time
	Batch   xmlInvalidationBatch
	// Removed counts the cache entries it removed.
	Removed int
}

// parseInvalidationBatch reads and checks an InvalidationBatch document as
// CloudFront does: the quantity agrees with the paths, each path starts
// with "/" and has "*" only at its end, and a caller reference is given.
func parseInvalidationBatch(b []byte) (xmlInvalidationBatch, error) {
	var batch xmlInvalidationBatch
	if err := xml.Unmarshal(b, &batch); err != nil {
		return batch, errMalformedInput.With("Could not parse the InvalidationBatch XML: " + err.Error())
	}
	if batch.XMLName.Space != "" && batch.XMLName.Space != cfNamespace {
		return batch, errMalformedInput.With("Unexpected namespace " + batch.XMLName.Space)
	}
	batch.XMLName = xml.Name{}
	switch p := batch.Paths.Items; {
	case batch.CallerReference == "":
		return batch, errInvalidArgument.With("CallerReference is required.")
	case batch.Paths.Quantity != len(p):
		return batch, errInconsistentQuantities.Withf("The value of Quantity (%d) and the number of paths (%d) do not agree.", batch.Paths.Quantity, len(p))
	case len(p) == 0:
		return batch, errInvalidArgument.With("An invalidation needs at least one path.")
	case len(p) > maxInvalidationPaths:
		return batch, errInvalidArgument.Withf("An invalidation has at most %d paths.", maxInvalidationPaths)
	}
	for _, p := range batch.Paths.Items {
		if !strings.HasPrefix(p, "/") || strings.Contains(strings.TrimSuffix(p, "*"), "*") {
			return batch, errInvalidArgument.With("Your request contains one or more invalid invalidation paths: " + p + " (a path starts with / and may end with *, nowhere else)")
		}
	}
	return batch, nil
}

// readInvalidationBatch reads r's InvalidationBatch.
func readInvalidationBatch(r *http.Request) (xmlInvalidationBatch, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxInvalidationBody+1))
	if err != nil {
		return xmlInvalidationBatch{}, errMalformedInput.With(err.Error())
	}
	if len(b) > maxInvalidationBody {
		return xmlInvalidationBatch{}, errMalformedInput.With("The InvalidationBatch is too large.")
	}
	return parseInvalidationBatch(b)
}

// sameBatch says whether two batches name the same paths.
func sameBatch(a, b xmlInvalidationBatch) bool {
	return slices.Equal(a.Paths.Items, b.Paths.Items)
}

// newInvalidationID is an Id shaped like CloudFront's: I and 13
// characters of its alphabet.
func newInvalidationID() string {
	var b [10]byte
	rand.Read(b[:])
	return "I" + idEncoding.EncodeToString(b[:])[:13]
}

// xmlInvalidation is an invalidation as CreateInvalidation and
// GetInvalidation answer it.
type xmlInvalidation struct {
	XMLName           xml.Name             `xml:"http://cloudfront.amazonaws.com/doc/2020-05-31/ Invalidation"`
	ID                string               `xml:"Id"`
	Status            string               `xml:"Status"`
	CreateTime        string               `xml:"CreateTime"`
	InvalidationBatch xmlInvalidationBatch `xml:"InvalidationBatch"`
}

func (inv *invalidation) xml() xmlInvalidation {
	return xmlInvalidation{ID: inv.ID, Status: statusCompleted, CreateTime: cfTime(inv.Created), InvalidationBatch: inv.Batch}
}
